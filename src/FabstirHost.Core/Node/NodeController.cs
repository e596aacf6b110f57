using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Starts, stops and inspects the node of one FabstirHost home. The node runs under a detached
    /// supervisor; this class talks to it while a start is watched, and otherwise works from the
    /// state file and the processes it names.
    /// </summary>
    public sealed class NodeController
    {
        private const string Activity = "Starting fabstir-llm-node";
        private static readonly TimeSpan HealthWindow = TimeSpan.FromSeconds(10);
        private static readonly TimeSpan SupervisorExitGrace = TimeSpan.FromSeconds(10);
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
        private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

        public NodeController(FabstirPaths paths)
        {
            Paths = paths;
        }

        public FabstirPaths Paths { get; }

        /// <summary>
        /// Checks everything, starts the node under a detached supervisor and returns once it is
        /// ready and its /health answers. On any failure, timeout or cancellation nothing is left
        /// running.
        /// </summary>
        public async Task<FabstirNode> StartAsync(
            NodeLaunchOptions options, IOperationLog log, CancellationToken cancel)
        {
            Paths.EnsureCreated();
            using (StartLock.Acquire(Paths))
            {
                EnsureNotRunning();
                NodeSettings settings = Prepare(options, log);
                Dictionary<string, string> environment = NodeEnvironment.Build(options, settings.ModelPath);
                log.Debug("Node environment variables: " + string.Join(", ", environment.Keys.OrderBy(k => k)) +
                    (options.PrivateKey != null ? ", " + NodeEnvironment.PrivateKeyVariable + " (over a pipe)" : ""));
                SecureFile.TryDelete(Paths.StopRequestFile);
                return await LaunchAsync(options, settings, environment, log, cancel).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Stops the node: SIGINT, then SIGTERM half-way through the timeout, then SIGKILL. Returns
        /// false when there was nothing to stop. A recorded id that now names another process is
        /// never signalled.
        /// </summary>
        public async Task<bool> StopAsync(TimeSpan timeout, IOperationLog log, CancellationToken cancel)
        {
            NodeState? state = NodeStateStore.Load(Paths);
            if (state == null)
            {
                log.Verbose($"No node is running: there is no state file at '{Paths.StateFile}'.");
                return false;
            }

            ProcessLiveness supervisor = ProcessIdentity.Check(state.SupervisorPid, state.SupervisorStartToken);
            ProcessLiveness node = state.NodePid.HasValue
                ? ProcessIdentity.Check(state.NodePid.Value, state.NodeStartToken)
                : ProcessLiveness.Gone;
            IReadOnlyList<int> others = OtherSessionMembers(state);
            if (supervisor != ProcessLiveness.Alive && node != ProcessLiveness.Alive && others.Count == 0)
            {
                ReportNothingToStop(state, supervisor, node, log);
                return false;
            }

            SecureFile.WriteAllTextAtomic(Paths.StopRequestFile, DateTime.UtcNow.ToString("o"));
            if (node == ProcessLiveness.Alive || others.Count > 0)
            {
                await StopNodeProcessesAsync(state, timeout, log, cancel).ConfigureAwait(false);
            }

            if (supervisor == ProcessLiveness.Alive)
            {
                await StopSupervisorAsync(state, log, cancel).ConfigureAwait(false);
            }
            else if (node == ProcessLiveness.Alive)
            {
                log.Warning($"The supervisor (process {state.SupervisorPid}) was not running; " +
                    "the node was stopped directly.");
            }
            else
            {
                log.Warning($"The supervisor (process {state.SupervisorPid}) was not running, but processes " +
                    $"the node had started were ({NodeSession.Describe(others)}); they were stopped.");
            }

            await EnsureSessionGoneAsync(state, log, cancel).ConfigureAwait(false);
            MarkStopped();
            SecureFile.TryDelete(Paths.StopRequestFile);
            return true;
        }

        /// <summary>The node's status from the state file, the processes and, if up, its HTTP API.</summary>
        public Task<FabstirNode> GetAsync(CancellationToken cancel)
        {
            return GetAsync(probe: true, cancel);
        }

        public async Task<FabstirNode> GetAsync(bool probe, CancellationToken cancel)
        {
            NodeState? state = NodeStateStore.Load(Paths);
            FabstirNode node = NodeReport.From(Paths, state);
            if (probe && node.ApiPort.HasValue && node.ProcessId.HasValue
                && (node.Status == NodeStatus.Ready || node.Phase >= NodePhase.ApiStarted))
            {
                TimeSpan timeout = TimeSpan.FromSeconds(2);
                int port = node.ApiPort.Value;
                NodeProbeResult health = await NodeProbe.HealthAsync(port, timeout, cancel).ConfigureAwait(false);
                node.HealthStatus = health.Ok ? health.Status ?? "ok" : health.Error ?? $"HTTP {health.StatusCode}";
                NodeProbeResult version = await NodeProbe.VersionAsync(port, timeout, cancel).ConfigureAwait(false);
                node.Version = version.Ok ? version.Status : null;
            }

            return node;
        }

        /// <summary>Waits, with one deadline, for the node to be Ready (or Stopped).</summary>
        public async Task<FabstirNode> WaitAsync(
            bool untilStopped, TimeSpan timeout, IOperationLog log, CancellationToken cancel)
        {
            NodeStatus wanted = untilStopped ? NodeStatus.Stopped : NodeStatus.Ready;
            DateTime deadline = DateTime.UtcNow + timeout;
            string activity = $"Waiting for the node to be {wanted}";
            while (true)
            {
                FabstirNode node = await GetAsync(probe: false, cancel).ConfigureAwait(false);
                // Stale means neither recorded process runs any more: as stopped as it gets.
                bool done = untilStopped
                    ? node.Status == NodeStatus.Stopped || node.Status == NodeStatus.CrashLoop
                        || node.Status == NodeStatus.Stale
                    : node.Status == NodeStatus.Ready;
                if (done)
                {
                    log.Progress(new OperationProgress(activity, "Done", 100, completed: true));
                    return untilStopped ? node : await GetAsync(probe: true, cancel).ConfigureAwait(false);
                }

                if (!untilStopped && node.Status == NodeStatus.CrashLoop)
                {
                    throw new FabstirException(
                        "NodeCrashLoop",
                        FabstirErrorCategory.ResourceUnavailable,
                        $"The node will not become ready: it crashed {node.RestartCount + 1} times and its " +
                        $"supervisor gave up (last time it {ExitDescription.Describe(node.LastExitCode)}). " +
                        "See Get-FabstirNodeLog, " +
                        "then Start-FabstirNode.",
                        Paths.StateFile);
                }

                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    log.Progress(new OperationProgress(activity, "Timed out", -1, completed: true));
                    throw new FabstirException(
                        "NodeWaitTimeout",
                        FabstirErrorCategory.OperationTimeout,
                        $"The node was not {wanted} within {timeout.TotalSeconds:0.#} s; it is {Describe(node)}. " +
                        "Wait longer with -TimeoutSec, or look at Get-FabstirNodeLog.",
                        Paths.StateFile);
                }

                log.Progress(new OperationProgress(activity, $"{Describe(node)}, {left.TotalSeconds:0} s left"));
                await Task.Delay(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250), cancel)
                    .ConfigureAwait(false);
            }
        }

        internal static string Describe(FabstirNode node)
        {
            return node.Status == NodeStatus.Starting ? $"Starting (phase {node.Phase})" : node.Status.ToString();
        }

        private void EnsureNotRunning()
        {
            NodeState? state = NodeStateStore.Load(Paths);
            if (state == null)
            {
                return;
            }

            IReadOnlyList<int> left = OtherSessionMembers(state);
            bool recordedAlive = state.Status != NodeStateStatus.Stopped
                && (NodeAlive(state) || ProcessIdentity.Check(state.SupervisorPid, state.SupervisorStartToken)
                    == ProcessLiveness.Alive);
            if (left.Count > 0 && !recordedAlive)
            {
                throw new FabstirException(
                    "NodeAlreadyRunning",
                    FabstirErrorCategory.ResourceExists,
                    $"Processes the last node of this instance ('{Paths.Home}') started are still running " +
                    $"({NodeSession.Describe(left)}) and may hold its ports. Stop them with Stop-FabstirNode.",
                    left[0]);
            }

            if (state.Status == NodeStateStatus.Stopped)
            {
                return;
            }

            ProcessLiveness supervisor = ProcessIdentity.Check(state.SupervisorPid, state.SupervisorStartToken);
            ProcessLiveness node = state.NodePid.HasValue
                ? ProcessIdentity.Check(state.NodePid.Value, state.NodeStartToken)
                : ProcessLiveness.Gone;
            if (supervisor == ProcessLiveness.Alive || node == ProcessLiveness.Alive)
            {
                int pid = node == ProcessLiveness.Alive ? state.NodePid!.Value : state.SupervisorPid;
                throw new FabstirException(
                    "NodeAlreadyRunning",
                    FabstirErrorCategory.ResourceExists,
                    $"A node of this instance ('{Paths.Home}') is already running (process {pid}, " +
                    $"status {state.Status}). " +
                    "Stop it with Stop-FabstirNode, or use another FABSTIR_HOME for a second node.",
                    pid);
            }
        }

        private static NodeSettings Prepare(NodeLaunchOptions options, IOperationLog log)
        {
            // The same rules as Set-FabstirHostConfig, since a successful start saves these values.
            string? logLevel = options.LogLevel == null ? null : HostConfigRules.LogLevel(options.LogLevel);
            options.LogLevel = logLevel;
            foreach (KeyValuePair<string, string> pair in options.Environment)
            {
                HostConfigRules.EnvironmentEntry(pair.Key, pair.Value);
            }

            string? nodePath = NodeEnvironment.ResolveNodePath(options.NodePath);
            Preflight.CheckBinary(nodePath);
            log.Verbose($"Node binary: '{nodePath}'.");
            if (string.IsNullOrWhiteSpace(options.ModelPath))
            {
                throw new FabstirException(
                    "ModelPathMissing",
                    FabstirErrorCategory.InvalidArgument,
                    "No model file was given. Give the GGUF model with -ModelPath.",
                    null);
            }

            string modelPath = Path.GetFullPath(options.ModelPath);
            Preflight.CheckModel(modelPath);
            log.Verbose($"Model file: '{modelPath}' (GGUF).");
            HostConfigRules.CheckPortsApart(options.ApiPort, options.EffectiveP2PPort);
            Preflight.CheckPorts(options.ApiPort, options.EffectiveP2PPort);
            log.Verbose($"Ports free: API {options.ApiPort}/tcp, P2P {options.EffectiveP2PPort}-" +
                $"{options.EffectiveP2PPort + 1}/tcp and {options.EffectiveP2PPort + 2}/udp.");
            return new NodeSettings
            {
                NodePath = nodePath!,
                ModelPath = modelPath,
                ApiPort = options.ApiPort,
                P2PPort = options.EffectiveP2PPort,
                LogLevel = logLevel,
                MaxRestarts = options.MaxRestarts,
                RestartDelayMs = (int)options.RestartDelay.TotalMilliseconds,
                Environment = options.Environment.Count == 0
                    ? null
                    : new Dictionary<string, string>(options.Environment),
            };
        }

        private async Task<FabstirNode> LaunchAsync(
            NodeLaunchOptions options,
            NodeSettings settings,
            Dictionary<string, string> environment,
            IOperationLog log,
            CancellationToken cancel)
        {
            var supervisorSettings = new SupervisorSettings
            {
                Home = Paths.Home,
                Environment = environment,
                Node = settings,
                MaxRestarts = options.MaxRestarts,
                RestartDelayMs = (int)options.RestartDelay.TotalMilliseconds,
                StableAfterMs = (int)options.StableAfter.TotalMilliseconds,
                LogMaxBytes = options.LogMaxBytes,
                LogFiles = options.LogFiles,
            };
            DateTime deadline = DateTime.UtcNow + options.ReadyTimeout;
            NodePhase phase = NodePhase.Launching;
            log.Progress(new OperationProgress(Activity, "Launching the supervisor", 0));
            SupervisorSession session = SupervisorSession.Start(
                options.SupervisorHost,
                supervisorSettings,
                options.PrivateKey,
                report => phase = OnStartEvent(report, phase, log));
            log.Verbose($"Supervisor started, process {session.ProcessId}; waiting for the node to be ready.");
            try
            {
                await WaitForReadinessAsync(session, settings.NodePath, options.ReadyTimeout, deadline, () => phase, cancel)
                    .ConfigureAwait(false);
                NodeProbeResult health = await WaitForHealthAsync(settings.ApiPort, deadline, cancel)
                    .ConfigureAwait(false);
                session.Detach();
                log.Progress(new OperationProgress(Activity, "Ready", 100, completed: true));
                log.Verbose($"The node answers {NodeProbe.LocalUrl(settings.ApiPort)}/health: " +
                    $"HTTP 200, status '{health.Status}'.");
                FabstirNode node = NodeReport.From(Paths, NodeStateStore.Load(Paths));
                node.HealthStatus = health.Status;
                return node;
            }
            catch (Exception)
            {
                log.Progress(new OperationProgress(Activity, "Stopping", -1, completed: true));
                await AbortAsync(session, log).ConfigureAwait(false);
                throw;
            }
            finally
            {
                session.Dispose();
            }
        }

        private static NodePhase OnStartEvent(SupervisorEvent report, NodePhase phase, IOperationLog log)
        {
            if (report.Event == SupervisorEvents.Spawned)
            {
                log.Verbose($"Node process {report.Pid} started; loading the model.");
                log.Progress(new OperationProgress(Activity, "Loading the model", 5));
            }

            if (report.Event == SupervisorEvents.Phase && report.Phase.HasValue)
            {
                NodePhase reached = report.Phase.Value;
                log.Verbose($"Readiness: {reached}.");
                log.Progress(new OperationProgress(Activity, PhaseText(reached), 100 * (int)reached / 4));
                return reached;
            }

            return phase;
        }

        internal static string PhaseText(NodePhase phase)
        {
            switch (phase)
            {
                case NodePhase.ModelLoaded:
                    return "Model loaded; starting P2P networking";
                case NodePhase.P2PStarted:
                    return "P2P started; starting the API server";
                case NodePhase.ApiStarted:
                    return "API server started; finishing startup";
                case NodePhase.Running:
                    return "Running; checking /health";
                default:
                    return "Loading the model";
            }
        }

        private async Task WaitForReadinessAsync(
            SupervisorSession session,
            string nodePath,
            TimeSpan readyTimeout,
            DateTime deadline,
            Func<NodePhase> phase,
            CancellationToken cancel)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            Task timeout = Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancel);
            Task first = await Task.WhenAny(session.Outcome, timeout).ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
            if (first != session.Outcome)
            {
                throw new FabstirException(
                    "NodeReadyTimeout",
                    FabstirErrorCategory.OperationTimeout,
                    $"The node was not ready within {readyTimeout.TotalSeconds:0.#} s; the last phase reached was " +
                    $"{phase()} ({PhaseText(phase())}). It was stopped. Large models can take minutes to load: " +
                    "raise -ReadyTimeoutSec, or see Get-FabstirNodeLog.",
                    Paths.StateFile);
            }

            SupervisorEvent outcome = session.Outcome.Result;
            switch (outcome.Event)
            {
                case SupervisorEvents.Ready:
                    return;
                case SupervisorEvents.ModelLoadFailed:
                    throw new FabstirException(
                        "NodeModelLoadFailed",
                        FabstirErrorCategory.InvalidData,
                        $"The node could not load its model: {outcome.Line} It was stopped, because it would " +
                        "run without inference. Check the model file and that it fits the GPU.",
                        Paths.StateFile);
                case SupervisorEvents.Exited:
                    List<string> lines = outcome.LastLines ?? new List<string>();
                    throw new FabstirException(
                        "NodeExitedEarly",
                        FabstirErrorCategory.InvalidResult,
                        $"The node {ExitDescription.Describe(outcome.ExitCode)} before it was ready (phase {outcome.Phase}). " +
                        (lines.Count == 0
                            ? $"It printed nothing: check that '{nodePath}' is fabstir-llm-node."
                            : "Its last lines:" + Environment.NewLine +
                                string.Join(Environment.NewLine, lines.Select(l => "    " + l))),
                        session.NodeProcessId);
                case SupervisorEvents.SpawnFailed:
                    throw new FabstirException(
                        "NodeBinaryNotRunnable",
                        FabstirErrorCategory.InvalidData,
                        $"The node binary '{nodePath}' could not be run ({outcome.Message}). Check that it " +
                        "is a fabstir-llm-node built for this machine's architecture (see 'file " +
                        $"{nodePath}' and 'uname -m'), or, for a script, that its first line is a #! line " +
                        "naming its interpreter.",
                        nodePath);
                default:
                    string stderr = session.StderrTail();
                    throw new FabstirException(
                        "SupervisorFailed",
                        FabstirErrorCategory.InvalidResult,
                        $"The node's supervisor failed: {outcome.Message}." +
                        (stderr.Length > 0 ? " It said:" + Environment.NewLine + stderr : string.Empty),
                        session.ProcessId);
            }
        }

        private async Task<NodeProbeResult> WaitForHealthAsync(int apiPort, DateTime deadline, CancellationToken cancel)
        {
            DateTime healthDeadline = DateTime.UtcNow + HealthWindow;
            if (healthDeadline > deadline)
            {
                healthDeadline = deadline;
            }

            NodeProbeResult health;
            TimeSpan pause = TimeSpan.FromMilliseconds(20);
            while (true)
            {
                health = await NodeProbe.HealthAsync(apiPort, TimeSpan.FromSeconds(2), cancel).ConfigureAwait(false);
                if (health.Ok || DateTime.UtcNow >= healthDeadline)
                {
                    break;
                }

                await Task.Delay(pause, cancel).ConfigureAwait(false);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 500));
            }

            if (!health.Ok)
            {
                string url = NodeProbe.LocalUrl(apiPort) + "/health";
                throw new FabstirException(
                    "NodeHealthCheckFailed",
                    FabstirErrorCategory.ConnectionError,
                    $"The node printed that it is running, but {url} did not answer 200 " +
                    $"({health.Error ?? "HTTP " + health.StatusCode}). It was stopped. See Get-FabstirNodeLog.",
                    url);
            }

            return health;
        }

        private async Task AbortAsync(SupervisorSession session, IOperationLog log)
        {
            // Taken while the supervisor still runs: once it is gone, only its session id and start
            // time tell which processes were its node's.
            int supervisorPid = session.ProcessId;
            string? supervisorToken = ProcessIdentity.StartToken(supervisorPid);
            int? sessionId = NodeSession.OwnSession(supervisorPid);
            session.Abort();
            if (!await session.WaitForExitAsync(SupervisorExitGrace).ConfigureAwait(false))
            {
                log.Warning($"The supervisor (process {session.ProcessId}) did not stop; killing it and the node.");
                session.Kill();
                await session.WaitForExitAsync(KillGrace).ConfigureAwait(false);
            }

            // The supervisor stops the node on abort; make sure, by identity, that it did, and
            // return only once it is gone, so that a cancelled start leaves nothing behind.
            NodeState? state = TryLoadState();
            if (state != null && state.SupervisorPid == supervisorPid)
            {
                sessionId ??= state.SessionId;
                supervisorToken ??= state.SupervisorStartToken;
                if (state.NodePid != null
                    && ProcessIdentity.Check(state.NodePid.Value, state.NodeStartToken) == ProcessLiveness.Alive)
                {
                    NodeSignals.Send(state.NodePid.Value, UnixNative.SIGKILL);
                    await GoneWithinAsync(state.NodePid.Value, state.NodeStartToken, DateTime.UtcNow + KillGrace,
                        CancellationToken.None).ConfigureAwait(false);
                }
            }

            IReadOnlyList<int> left = await NodeSession.StopAsync(sessionId, supervisorToken, TimeSpan.Zero,
                TimeSpan.Zero, KillGrace, log.Verbose, CancellationToken.None).ConfigureAwait(false);
            if (left.Count > 0)
            {
                log.Warning($"Processes of the node's session could not be killed: {NodeSession.Describe(left)}.");
            }

            MarkStopped();
            log.Verbose("The node and its supervisor were stopped.");
        }

        /// <summary>
        /// Stops the node and every other process of its supervisor's session (what a wrapper
        /// script or the node itself started): SIGINT to all, then SIGTERM half-way through the
        /// timeout, then SIGKILL.
        /// </summary>
        private async Task StopNodeProcessesAsync(
            NodeState state, TimeSpan timeout, IOperationLog log, CancellationToken cancel)
        {
            DateTime started = DateTime.UtcNow;
            var steps = new[]
            {
                (Signal: UnixNative.SIGINT, Name: "SIGINT", Until: TimeSpan.FromTicks(timeout.Ticks / 2)),
                (Signal: UnixNative.SIGTERM, Name: "SIGTERM", Until: timeout),
                (Signal: UnixNative.SIGKILL, Name: "SIGKILL", Until: timeout + KillGrace),
            };
            foreach (var step in steps)
            {
                bool nodeAlive = NodeAlive(state);
                IReadOnlyList<int> others = OtherSessionMembers(state);
                if (!nodeAlive && others.Count == 0)
                {
                    return;
                }

                if (nodeAlive)
                {
                    log.Verbose($"Sending {step.Name} to the node (process {state.NodePid}).");
                    NodeSignals.Send(state.NodePid!.Value, step.Signal);
                }

                if (others.Count > 0)
                {
                    log.Verbose($"Sending {step.Name} to the other processes of the node's session " +
                        $"({NodeSession.Describe(others)}).");
                    foreach (int pid in others)
                    {
                        NodeSignals.Send(pid, step.Signal);
                    }
                }

                if (await NodeProcessesGoneWithinAsync(state, started + step.Until, cancel).ConfigureAwait(false))
                {
                    log.Verbose(nodeAlive
                        ? $"The node (process {state.NodePid}) exited after {step.Name}."
                        : $"The node's processes exited after {step.Name}.");
                    return;
                }
            }

            IReadOnlyList<int> left = OtherSessionMembers(state);
            if (NodeAlive(state) || left.Count > 0)
            {
                var pids = new List<int>(left);
                if (NodeAlive(state))
                {
                    pids.Insert(0, state.NodePid!.Value);
                }

                throw StopFailed(pids);
            }
        }

        /// <summary>Once the supervisor is gone, nothing of its session may be left running.</summary>
        private async Task EnsureSessionGoneAsync(NodeState state, IOperationLog log, CancellationToken cancel)
        {
            IReadOnlyList<int> left = NodeSession.Members(state.SessionId, state.SupervisorStartToken);
            if (left.Count == 0)
            {
                return;
            }

            log.Warning($"Processes of the node's session still ran after its supervisor exited " +
                $"({NodeSession.Describe(left)}); killing them.");
            left = await NodeSession.StopAsync(state.SessionId, state.SupervisorStartToken, TimeSpan.Zero,
                TimeSpan.Zero, KillGrace, log.Verbose, cancel).ConfigureAwait(false);
            if (left.Count > 0)
            {
                throw StopFailed(left);
            }
        }

        private static FabstirException StopFailed(IReadOnlyList<int> pids)
        {
            return new FabstirException(
                "NodeStopFailed",
                FabstirErrorCategory.OperationTimeout,
                $"The node's processes ({NodeSession.Describe(pids)}) are still running after SIGINT, SIGTERM " +
                "and SIGKILL. Look at them with 'ps -o pid,stat,cmd -p <pid>' (a process in state D waits " +
                "on a device or disk), then run Stop-FabstirNode again.",
                pids[0]);
        }

        private static bool NodeAlive(NodeState state)
        {
            return state.NodePid.HasValue
                && ProcessIdentity.Check(state.NodePid.Value, state.NodeStartToken) == ProcessLiveness.Alive;
        }

        /// <summary>The processes of the supervisor's session other than the node and the supervisor.</summary>
        private static IReadOnlyList<int> OtherSessionMembers(NodeState state)
        {
            return NodeSession.Members(state.SessionId, state.SupervisorStartToken)
                .Where(pid => pid != state.NodePid)
                .ToList();
        }

        private static async Task<bool> NodeProcessesGoneWithinAsync(
            NodeState state, DateTime until, CancellationToken cancel)
        {
            while (NodeAlive(state) || OtherSessionMembers(state).Count > 0)
            {
                if (DateTime.UtcNow >= until)
                {
                    return false;
                }

                await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
            }

            return true;
        }

        private async Task StopSupervisorAsync(NodeState state, IOperationLog log, CancellationToken cancel)
        {
            int pid = state.SupervisorPid;
            string? token = state.SupervisorStartToken;
            if (await GoneWithinAsync(pid, token, DateTime.UtcNow + SupervisorExitGrace, cancel).ConfigureAwait(false))
            {
                log.Verbose($"The supervisor (process {pid}) exited.");
                return;
            }

            log.Warning($"The supervisor (process {pid}) did not exit after the node stopped; killing it.");
            NodeSignals.Send(pid, UnixNative.SIGKILL);
            await GoneWithinAsync(pid, token, DateTime.UtcNow + KillGrace, cancel).ConfigureAwait(false);
        }

        private static async Task<bool> GoneWithinAsync(
            int pid, string? token, DateTime until, CancellationToken cancel)
        {
            // Not our child, so there is no exit notification to wait on: look at short intervals.
            while (ProcessIdentity.Check(pid, token) == ProcessLiveness.Alive)
            {
                if (DateTime.UtcNow >= until)
                {
                    return false;
                }

                await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
            }

            return true;
        }

        private void ReportNothingToStop(
            NodeState state, ProcessLiveness supervisor, ProcessLiveness node, IOperationLog log)
        {
            if (node == ProcessLiveness.Reused || supervisor == ProcessLiveness.Reused)
            {
                int pid = node == ProcessLiveness.Reused ? state.NodePid!.Value : state.SupervisorPid;
                log.Warning($"The state file '{Paths.StateFile}' is stale: process {pid} now belongs to another " +
                    "program, which was not signalled. The state was marked stopped.");
                MarkStopped();
                return;
            }

            if (state.Status != NodeStateStatus.Stopped && state.Status != NodeStateStatus.CrashLoop)
            {
                log.Warning($"The state file '{Paths.StateFile}' said {state.Status}, but neither the node nor " +
                    "its supervisor runs. The state was marked stopped.");
                MarkStopped();
                return;
            }

            log.Verbose($"No node is running (state: {state.Status}); nothing was changed.");
        }

        private void MarkStopped()
        {
            NodeState? state = TryLoadState();
            if (state == null || state.Status == NodeStateStatus.Stopped)
            {
                return;
            }

            state.Status = NodeStateStatus.Stopped;
            state.Phase = null;
            state.NodePid = null;
            state.NodeStartToken = null;
            NodeStateStore.Save(Paths, state);
        }

        private NodeState? TryLoadState()
        {
            try
            {
                return NodeStateStore.Load(Paths);
            }
            catch (FabstirException)
            {
                return null;
            }
        }
    }
}
