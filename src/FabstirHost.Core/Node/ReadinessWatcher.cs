using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace FabstirHost.Core.Node
{
    /// <summary>The node's standard streams.</summary>
    public enum NodeStream
    {
        Stdout,
        Stderr,
    }

    /// <summary>How far the node's startup got, by the last readiness marker seen.</summary>
    public enum NodePhase
    {
        Launching,
        ModelLoaded,
        P2PStarted,
        ApiStarted,
        Running,
    }

    /// <summary>How a node's startup ended, as far as its output and exit tell.</summary>
    public enum ReadinessResult
    {
        Ready,
        ModelLoadFailed,
        Exited,
    }

    /// <summary>The end of a startup: ready, a model that failed to load, or an early exit.</summary>
    public sealed class ReadinessOutcome
    {
        internal ReadinessOutcome(
            ReadinessResult result,
            NodePhase phase,
            int? exitCode,
            string? failureLine,
            IReadOnlyList<string> lastLines)
        {
            Result = result;
            Phase = phase;
            ExitCode = exitCode;
            FailureLine = failureLine;
            LastLines = lastLines;
        }

        public ReadinessResult Result { get; }

        public NodePhase Phase { get; }

        public int? ExitCode { get; }

        /// <summary>The node's own line that explains a failed model load.</summary>
        public string? FailureLine { get; }

        /// <summary>The node's last lines before the outcome, without colour codes.</summary>
        public IReadOnlyList<string> LastLines { get; }
    }

    /// <summary>
    /// Reads a node's startup from its two output streams as they arrive: colour codes stripped,
    /// lines reassembled across reads, the four readiness markers followed in order. The outcome
    /// is a task that completes on the first decisive line or on the exit; nothing here polls.
    /// </summary>
    public sealed class ReadinessWatcher
    {
        public const string FailedToLoadModel = "Failed to load model";

        private static readonly string[] Markers =
        {
            "Model loaded successfully",
            "P2P node started",
            "API server started",
            "Fabstir LLM Node is running",
        };

        private readonly object _gate = new object();
        private readonly LineAssembler[] _assemblers = { new LineAssembler(), new LineAssembler() };
        private readonly bool[] _seen = new bool[Markers.Length];
        private readonly Queue<string> _lastLines = new Queue<string>();
        private readonly int _lastLineCount;
        private readonly TaskCompletionSource<ReadinessOutcome> _outcome =
            new TaskCompletionSource<ReadinessOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);

        private NodePhase _phase = NodePhase.Launching;

        public ReadinessWatcher(int lastLineCount = 20)
        {
            _lastLineCount = lastLineCount;
        }

        /// <summary>Raised, outside the watcher's lock, each time a later phase is reached.</summary>
        public event Action<NodePhase>? PhaseReached;

        /// <summary>Completes once: ready, model load failed, or exited before ready.</summary>
        public Task<ReadinessOutcome> Outcome => _outcome.Task;

        public NodePhase Phase
        {
            get
            {
                lock (_gate)
                {
                    return _phase;
                }
            }
        }

        public IReadOnlyList<string> LastLines
        {
            get
            {
                lock (_gate)
                {
                    return _lastLines.ToArray();
                }
            }
        }

        /// <summary>
        /// Adds a chunk read from one stream and returns the whole lines it completed, as read
        /// (colour codes kept), for the caller to log.
        /// </summary>
        public IReadOnlyList<string> Append(NodeStream stream, string chunk)
        {
            IReadOnlyList<string> lines;
            lock (_gate)
            {
                lines = _assemblers[(int)stream].Append(chunk);
            }

            foreach (string line in lines)
            {
                Observe(line);
            }

            return lines;
        }

        /// <summary>Ends a stream; returns its unterminated last line, if any, after observing it.</summary>
        public string? EndStream(NodeStream stream)
        {
            string? rest;
            lock (_gate)
            {
                rest = _assemblers[(int)stream].Flush();
            }

            if (rest != null)
            {
                Observe(rest);
            }

            return rest;
        }

        /// <summary>Records the exit; before readiness this is the outcome.</summary>
        public void ProcessExited(int exitCode)
        {
            ReadinessOutcome outcome;
            lock (_gate)
            {
                outcome = new ReadinessOutcome(ReadinessResult.Exited, _phase, exitCode, null, _lastLines.ToArray());
            }

            _outcome.TrySetResult(outcome);
        }

        /// <summary>Looks at one whole line, as read, for markers and failures.</summary>
        public void Observe(string rawLine)
        {
            string line = AnsiText.Strip(rawLine);
            NodePhase? reached = null;
            ReadinessOutcome? outcome = null;
            lock (_gate)
            {
                Remember(line);
                if (_outcome.Task.IsCompleted)
                {
                    return;
                }

                if (line.IndexOf(FailedToLoadModel, StringComparison.Ordinal) >= 0)
                {
                    outcome = new ReadinessOutcome(
                        ReadinessResult.ModelLoadFailed, _phase, null, line.Trim(), _lastLines.ToArray());
                }
                else
                {
                    reached = Advance(line);
                    if (reached == NodePhase.Running)
                    {
                        outcome = new ReadinessOutcome(ReadinessResult.Ready, _phase, null, null, _lastLines.ToArray());
                    }
                }
            }

            if (reached.HasValue)
            {
                PhaseReached?.Invoke(reached.Value);
            }

            if (outcome != null)
            {
                _outcome.TrySetResult(outcome);
            }
        }

        private NodePhase? Advance(string line)
        {
            for (int i = 0; i < Markers.Length; i++)
            {
                if (!_seen[i] && line.IndexOf(Markers[i], StringComparison.Ordinal) >= 0)
                {
                    _seen[i] = true;
                }
            }

            // The phase is the longest run of markers seen in order; a marker out of order
            // counts once the ones before it have appeared.
            int reached = 0;
            while (reached < _seen.Length && _seen[reached])
            {
                reached++;
            }

            var phase = (NodePhase)reached;
            if (phase == _phase)
            {
                return null;
            }

            _phase = phase;
            return phase;
        }

        private void Remember(string line)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > _lastLineCount)
            {
                _lastLines.Dequeue();
            }
        }
    }
}
