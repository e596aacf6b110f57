namespace FabstirHost.StandInNode
{
    /// <summary>tracing's levels, most severe first.</summary>
    internal enum TraceLevel
    {
        Error = 1,
        Warn = 2,
        Info = 3,
        Debug = 4,
        Trace = 5,
    }

    /// <summary>
    /// A small subset of tracing-subscriber's EnvFilter: comma-separated directives, each a bare
    /// level or <c>target=level</c>, the longest matching target prefix winning. The node sets
    /// RUST_LOG to <c>info</c> only when it is unset, so an empty RUST_LOG leaves EnvFilter with no
    /// directives, which shows errors only.
    /// </summary>
    internal sealed class RustLogFilter
    {
        private readonly TraceLevel? _global;
        private readonly List<(string Target, TraceLevel? Level)> _targets;

        private RustLogFilter(TraceLevel? global, List<(string, TraceLevel?)> targets)
        {
            _global = global;
            _targets = targets;
        }

        public static RustLogFilter Parse(string? rustLog)
        {
            if (rustLog == null)
            {
                return new RustLogFilter(TraceLevel.Info, new List<(string, TraceLevel?)>());
            }

            TraceLevel? global = TraceLevel.Error;
            var targets = new List<(string, TraceLevel?)>();
            foreach (string directive in rustLog.Split(',', StringSplitOptions.TrimEntries))
            {
                int equals = directive.IndexOf('=');
                if (equals < 0 && TryLevel(directive, out TraceLevel? level))
                {
                    global = level;
                }
                else if (equals < 0 && directive.Length > 0)
                {
                    targets.Add((directive, TraceLevel.Trace));
                }
                else if (equals > 0 && TryLevel(directive[(equals + 1)..], out TraceLevel? targetLevel))
                {
                    targets.Add((directive[..equals], targetLevel));
                }
            }

            return new RustLogFilter(global, targets);
        }

        public bool Enables(TraceLevel level, string target)
        {
            TraceLevel? limit = _global;
            int longest = -1;
            foreach ((string prefix, TraceLevel? targetLevel) in _targets)
            {
                if (target.StartsWith(prefix, StringComparison.Ordinal) && prefix.Length > longest)
                {
                    longest = prefix.Length;
                    limit = targetLevel;
                }
            }

            return limit.HasValue && level <= limit.Value;
        }

        private static bool TryLevel(string text, out TraceLevel? level)
        {
            level = text.ToLowerInvariant() switch
            {
                "error" => TraceLevel.Error,
                "warn" => TraceLevel.Warn,
                "info" => TraceLevel.Info,
                "debug" => TraceLevel.Debug,
                "trace" => TraceLevel.Trace,
                "off" => null,
                _ => (TraceLevel)0,
            };
            return level != (TraceLevel)0;
        }
    }
}
