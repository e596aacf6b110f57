using System.Diagnostics;
using FabstirHost.Core.Network;
using Xunit;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>
    /// Runs a firewall tool inside a fresh, private network namespace (<c>unshare -n</c>) after a set-up
    /// script has loaded rules into it: the tool's real output for real rules, while the machine's own
    /// firewall stays untouched. Needs root (or user namespaces) and util-linux.
    /// </summary>
    public sealed class NamespacedCommandRunner : ICommandRunner
    {
        private readonly string _setup;

        public NamespacedCommandRunner(string setup)
        {
            _setup = setup;
        }

        public static bool Available => LazyAvailable.Value;

        private static readonly Lazy<bool> LazyAvailable = new(() =>
        {
            if (ProcessCommandRunner.Find("unshare") == null || ProcessCommandRunner.Find("nft") == null)
            {
                return false;
            }

            var start = new ProcessStartInfo("unshare", "-n true") { RedirectStandardError = true };
            using var probe = Process.Start(start)!;
            probe.WaitForExit(10_000);
            return probe.ExitCode == 0;
        });

        public CommandOutput? Run(string tool, params string[] arguments)
        {
            string? path = ProcessCommandRunner.Find(tool);
            if (path == null)
            {
                return null;
            }

            var start = new ProcessStartInfo("unshare")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };

            string script = _setup + "\nexec \"$@\"";
            foreach (string argument in new[] { "-n", "sh", "-c", script, "sh", path }.Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return new CommandOutput(process.ExitCode, output, error);
        }
    }

    /// <summary>
    /// A fact that needs <see cref="NamespacedCommandRunner"/>; skipped where namespaces cannot be made.
    /// </summary>
    public sealed class NamespaceFactAttribute : FactAttribute
    {
        public NamespaceFactAttribute()
        {
            if (!NamespacedCommandRunner.Available)
            {
                Skip = "needs 'unshare -n' (root or user namespaces) and nft to load firewall rules in isolation";
            }
        }
    }

    /// <summary>Answers with the output of a tool this machine lacks (each test says where from).</summary>
    public sealed class RecordedCommandRunner : ICommandRunner
    {
        private readonly Dictionary<string, CommandOutput> _outputs;

        public RecordedCommandRunner(Dictionary<string, CommandOutput> outputs)
        {
            _outputs = outputs;
        }

        public CommandOutput? Run(string tool, params string[] arguments)
        {
            string key = string.Join(" ", new[] { tool }.Concat(arguments));
            return _outputs.TryGetValue(key, out CommandOutput? output) ? output : null;
        }
    }
}
