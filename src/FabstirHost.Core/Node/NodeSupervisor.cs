using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Runs inside the supervisor process: starts the node, copies its two streams into the log,
    /// watches its first startup for the launching command, keeps the state file current and
    /// restarts the node after a crash with a doubling delay, up to a crash-loop limit.
    /// </summary>
    public sealed class NodeSupervisor
    {
        private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromMinutes(1);
        private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(3);
        private static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(2);

        // How long the node's output may stay open after its process exited before whatever
        // still holds it (a wrapper script's child) counts as left behind.
        private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(2);

        private readonly SupervisorSettings _settings;
        private readonly string? _privateKey;
        private readonly SupervisorEventWriter _events;
        private readonly FabstirPaths _paths;
        private readonly NodeState _state;
        private readonly object _stateGate = new object();
        private readonly CancellationTokenSource _abort = new CancellationTokenSource();

        // Guards the hand-over between Abort (the control thread) and spawning a node, so that an
        // abort either finds the node to stop or keeps it from being started: never neither.
        private readonly object _nodeGate = new object();
        private Process? _node;

        internal NodeSupervisor(SupervisorSettings settings, string? privateKey, SupervisorEventWriter events)
        {
            _settings = settings;
            _privateKey = string.IsNullOrEmpty(privateKey) ? null : privateKey;
            _events = events;
            _paths = new FabstirPaths(settings.Home);
            int pid = Process.GetCurrentProcess().Id;
            _state = new NodeState
            {
                Status = NodeStateStatus.Starting,
                SupervisorPid = pid,
                SupervisorStartToken = ProcessIdentity.StartToken(pid),
                SessionId = NodeSession.OwnSession(pid),
                LogPath = NodeLogFormat.LiveFile(_paths.LogDirectory),
                Settings = settings.Node,
            };
        }

        private bool StopRequested => _abort.IsCancellationRequested || File.Exists(_paths.StopRequestFile);

        /// <summary>
        /// The launching command gave up on this start (timeout, Ctrl+C, failure) or vanished:
        /// stop the node now and do not restart it.
        /// </summary>
        internal void Abort()
        {
            Process? node;
            lock (_nodeGate)
            {
                _abort.Cancel();
                node = _node;
            }

            if (_state.SessionId != null)
            {
                // The node may be a wrapper whose child is the real node: stop the whole session.
                NodeSession.StopAsync(_state.SessionId, _state.SupervisorStartToken, AbortGrace,
                    AbortGrace + TerminateGrace, TerminateGrace, _ => { }, CancellationToken.None)
                    .GetAwaiter().GetResult();
            }
            else if (node != null)
            {
                NodeSignals.StopChild(node, AbortGrace);
            }
        }

        internal async Task<int> RunAsync()
        {
            _paths.EnsureCreated();
            using (var log = new RotatingLogWriter(_paths.LogDirectory, _settings.LogMaxBytes, _settings.LogFiles))
            {
                return await SuperviseAsync(log).ConfigureAwait(false);
            }
        }

        private async Task<int> SuperviseAsync(RotatingLogWriter log)
        {
            TimeSpan delay = TimeSpan.FromMilliseconds(_settings.RestartDelayMs);
            int crashesInARow = 0;
            bool watched = true;
            while (true)
            {
                RunResult run = await RunNodeOnceAsync(log, watched).ConfigureAwait(false);
                if (run.SpawnFailed || StopRequested)
                {
                    FinishAs(NodeStateStatus.Stopped, log, "stopped as requested");
                    return 0;
                }

                // An exit before the first readiness is the launching command's failure to report,
                // not a crash to retry.
                if (watched && !run.WasReady)
                {
                    FinishAs(NodeStateStatus.Stopped, log, "the node exited before it was ready");
                    return 0;
                }

                watched = false;
                bool stable = run.Duration >= TimeSpan.FromMilliseconds(_settings.StableAfterMs);
                crashesInARow = stable ? 1 : crashesInARow + 1;
                if (stable)
                {
                    delay = TimeSpan.FromMilliseconds(_settings.RestartDelayMs);
                }

                if (crashesInARow > _settings.MaxRestarts)
                {
                    FinishAs(NodeStateStatus.CrashLoop, log,
                        $"the node crashed {crashesInARow} times in a row; not restarting it (crash loop)");
                    return 0;
                }

                UpdateState(s =>
                {
                    s.Status = NodeStateStatus.Restarting;
                    s.Phase = null;
                    s.RestartCount++;
                });
                log.WriteLine(NodeLogFormat.SupervisorTag,
                    $"restarting the node in {delay.TotalSeconds:0.###} s " +
                    $"(crash {crashesInARow} of at most {_settings.MaxRestarts})");
                if (!await WaitUnlessStoppedAsync(delay).ConfigureAwait(false))
                {
                    FinishAs(NodeStateStatus.Stopped, log, "stopped as requested while waiting to restart");
                    return 0;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRestartDelay.Ticks));
            }
        }

        private async Task<RunResult> RunNodeOnceAsync(RotatingLogWriter log, bool watched)
        {
            Process? node;
            try
            {
                node = StartUnlessAborted();
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is IOException)
            {
                log.WriteLine(NodeLogFormat.SupervisorTag,
                    $"could not start '{_settings.Node.NodePath}': {ex.Message}");
                // The runtime's text wraps the system's reason in its own words; the reason is what helps.
                string reason = ex is System.ComponentModel.Win32Exception win32
                    ? new System.ComponentModel.Win32Exception(win32.NativeErrorCode).Message
                    : ex.Message;
                _events.Send(new SupervisorEvent { Event = SupervisorEvents.SpawnFailed, Message = reason });
                return new RunResult { SpawnFailed = true };
            }

            if (node == null)
            {
                // Aborted before the spawn: StopRequested is set, so the caller finishes as stopped.
                return new RunResult();
            }

            DateTime started = DateTime.UtcNow;
            UpdateState(s =>
            {
                s.Status = NodeStateStatus.Starting;
                s.Phase = NodePhase.Launching;
                s.NodePid = node.Id;
                s.NodeStartToken = ProcessIdentity.StartToken(node.Id);
                s.NodeStartedAt = started;
                s.ReadyAt = null;
            });
            log.WriteLine(NodeLogFormat.SupervisorTag, $"started the node, process {node.Id}");
            _events.Send(new SupervisorEvent { Event = SupervisorEvents.Spawned, Pid = node.Id });

            var watcher = new ReadinessWatcher();
            watcher.PhaseReached += phase => OnPhase(phase);
            Task<ReadinessOutcome> outcome = watcher.Outcome;
            Task reported = outcome.ContinueWith(t => OnOutcome(t.Result, watched), TaskScheduler.Default);

            int nodePid = node.Id;
            Task pumps = Task.WhenAll(
                PumpAsync(node.StandardOutput.BaseStream, NodeStream.Stdout, watcher, log),
                PumpAsync(node.StandardError.BaseStream, NodeStream.Stderr, watcher, log));
            Task exited = Task.Run(() => node.WaitForExit());
            if (await Task.WhenAny(pumps, exited).ConfigureAwait(false) == exited
                && await Task.WhenAny(pumps, Task.Delay(OutputGrace)).ConfigureAwait(false) != pumps)
            {
                // The process we started is gone but its output is still open: what it started
                // (the real node behind a wrapper script) holds it, and the ports with it.
                log.WriteLine(NodeLogFormat.SupervisorTag,
                    $"the node's process {nodePid} exited, but processes it started still run");
                await StopLeftoversAsync(log).ConfigureAwait(false);
            }

            await pumps.ConfigureAwait(false);
            node.WaitForExit();
            int exitCode = node.ExitCode;
            lock (_nodeGate)
            {
                _node = null;
            }

            node.Dispose();

            watcher.ProcessExited(exitCode);
            await reported.ConfigureAwait(false);
            log.WriteLine(NodeLogFormat.SupervisorTag, $"the node {ExitDescription.Describe(exitCode)}");
            UpdateState(s =>
            {
                s.NodePid = null;
                s.NodeStartToken = null;
                s.LastExitCode = exitCode;
                s.LastExitAt = DateTime.UtcNow;
            });

            // Before a restart, or before giving up: nothing the node started may keep its ports.
            await StopLeftoversAsync(log).ConfigureAwait(false);

            return new RunResult
            {
                WasReady = outcome.Result.Result != ReadinessResult.Exited,
                Duration = DateTime.UtcNow - started,
            };
        }

        /// <summary>
        /// Stops the processes of this session that outlived the node. Stop-FabstirNode stops them
        /// itself, on its own timeout, so while a stop is requested they are left to it.
        /// </summary>
        private async Task StopLeftoversAsync(RotatingLogWriter log)
        {
            if (StopRequested)
            {
                return;
            }

            IReadOnlyList<int> left = NodeSession.Members(_state.SessionId, _state.SupervisorStartToken);
            if (left.Count == 0)
            {
                return;
            }

            log.WriteLine(NodeLogFormat.SupervisorTag,
                $"stopping what the node left running: {NodeSession.Describe(left)}");
            left = await NodeSession.StopAsync(_state.SessionId, _state.SupervisorStartToken, AbortGrace,
                AbortGrace + TerminateGrace, TerminateGrace, line => log.WriteLine(NodeLogFormat.SupervisorTag, line),
                CancellationToken.None).ConfigureAwait(false);
            if (left.Count > 0)
            {
                log.WriteLine(NodeLogFormat.SupervisorTag,
                    $"could not stop what the node left running: {NodeSession.Describe(left)}");
            }
        }

        private Process? StartUnlessAborted()
        {
            lock (_nodeGate)
            {
                if (_abort.IsCancellationRequested)
                {
                    return null;
                }

                _node = StartNode();
                return _node;
            }
        }

        private Process StartNode()
        {
            var start = new ProcessStartInfo(_settings.Node.NodePath)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = _paths.NodeDirectory,
            };
            start.Environment.Clear();
            foreach (KeyValuePair<string, string> pair in _settings.Environment)
            {
                start.Environment[pair.Key] = pair.Value;
            }

            if (_privateKey != null)
            {
                start.Environment[NodeEnvironment.PrivateKeyVariable] = _privateKey;
            }

            Process node = Process.Start(start)!;

            // The node reads nothing; an early end of input keeps it from waiting on ours.
            node.StandardInput.Close();
            return node;
        }

        private static async Task PumpAsync(
            Stream stream, NodeStream which, ReadinessWatcher watcher, RotatingLogWriter log)
        {
            string tag = NodeLogFormat.Tag(which);
            Decoder decoder = new UTF8Encoding(false).GetDecoder();
            var bytes = new byte[64 * 1024];
            var chars = new char[bytes.Length + 1];
            while (true)
            {
                int read = await stream.ReadAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                // The decoder keeps a multi-byte character cut by the read for the next chunk.
                int count = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
                log.WriteLines(tag, watcher.Append(which, new string(chars, 0, count)));
            }

            string? rest = watcher.EndStream(which);
            if (rest != null)
            {
                log.WriteLine(tag, rest);
            }
        }

        private void OnPhase(NodePhase phase)
        {
            UpdateState(s =>
            {
                if (s.Status == NodeStateStatus.Starting)
                {
                    s.Phase = phase;
                }
            });
            _events.Send(new SupervisorEvent { Event = SupervisorEvents.Phase, Phase = phase });
        }

        private void OnOutcome(ReadinessOutcome outcome, bool watched)
        {
            switch (outcome.Result)
            {
                case ReadinessResult.Ready:
                    UpdateState(s =>
                    {
                        s.Status = NodeStateStatus.Ready;
                        s.Phase = null;
                        s.ReadyAt = DateTime.UtcNow;
                    });
                    _events.Send(new SupervisorEvent { Event = SupervisorEvents.Ready });
                    break;
                case ReadinessResult.ModelLoadFailed:
                    _events.Send(new SupervisorEvent
                    {
                        Event = SupervisorEvents.ModelLoadFailed,
                        Line = outcome.FailureLine,
                        Phase = outcome.Phase,
                        LastLines = new List<string>(outcome.LastLines),
                    });
                    break;
                default:
                    if (watched)
                    {
                        _events.Send(new SupervisorEvent
                        {
                            Event = SupervisorEvents.Exited,
                            ExitCode = outcome.ExitCode,
                            Phase = outcome.Phase,
                            LastLines = new List<string>(outcome.LastLines),
                        });
                    }

                    break;
            }
        }

        private async Task<bool> WaitUnlessStoppedAsync(TimeSpan delay)
        {
            // Stop-FabstirNode leaves a request file; look for it while waiting to restart.
            DateTime until = DateTime.UtcNow + delay;
            while (DateTime.UtcNow < until)
            {
                if (StopRequested)
                {
                    return false;
                }

                TimeSpan left = until - DateTime.UtcNow;
                TimeSpan step = left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100);
                try
                {
                    await Task.Delay(step > TimeSpan.Zero ? step : TimeSpan.Zero, _abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }

            return !StopRequested;
        }

        private void FinishAs(NodeStateStatus status, RotatingLogWriter log, string why)
        {
            log.WriteLine(NodeLogFormat.SupervisorTag, "supervisor exits: " + why);
            UpdateState(s =>
            {
                s.Status = status;
                s.Phase = null;
                s.NodePid = null;
                s.NodeStartToken = null;
            });
        }

        private void UpdateState(Action<NodeState> change)
        {
            lock (_stateGate)
            {
                change(_state);
                try
                {
                    NodeStateStore.Save(_paths, _state);
                }
                catch (IOException)
                {
                    // A full disk must not take the node down; the next change tries again.
                }
            }
        }

        private sealed class RunResult
        {
            public bool SpawnFailed { get; set; }

            public bool WasReady { get; set; }

            public TimeSpan Duration { get; set; }
        }
    }
}
