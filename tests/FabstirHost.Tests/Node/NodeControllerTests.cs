using System.Diagnostics;
using FabstirHost.Core;
using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Node
{
    /// <summary>The node's lifecycle with the real supervisor and the stand-in node.</summary>
    public sealed class NodeControllerTests
    {
        [Fact]
        public async Task Start_returns_a_ready_node_that_answers_health_then_stop_leaves_nothing()
        {
            using var sandbox = new NodeSandbox();
            FabstirNode node = await sandbox.StartAsync(("FABSTIR_STANDIN_SPLIT_MARKERS", "1"));

            Assert.Equal(NodeStatus.Ready, node.Status);
            Assert.Equal("degraded", node.HealthStatus);
            Assert.Equal($"http://127.0.0.1:{sandbox.ApiPort}", node.LocalUrl);
            string[] progress = sandbox.Log.Entries.Where(e => e.StartsWith("PROGRESS: ")).ToArray();
            // One progress record per phase, in order (Launching is "Loading the model"), then Ready.
            string[] phases = Enum.GetValues<NodePhase>()
                .Select(p => "PROGRESS: " + NodeController.PhaseText(p)).ToArray();
            Assert.Equal(phases, progress.Where(phases.Contains).Distinct());
            Assert.Equal("PROGRESS: Ready", progress.Last());
            FabstirNode got = await sandbox.Controller.GetAsync(CancellationToken.None);
            Assert.Equal(NodeStatus.Ready, got.Status);
            Assert.True(got.SupervisorAlive);
            Assert.Equal("8.38.0", got.Version);
            Assert.Equal(sandbox.P2PPort, got.P2PPort);

            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(10), sandbox.Log, CancellationToken.None));
            await sandbox.AssertNothingRunningAsync();
            Assert.Equal(NodeStatus.Stopped, (await sandbox.Controller.GetAsync(CancellationToken.None)).Status);
            string log = File.ReadAllText(NodeLogFormat.LiveFile(sandbox.Paths.LogDirectory));
            Assert.Contains("Goodbye", log);

            // The supervisor exits by itself once told to stop: it neither restarts the node nor
            // has to be killed (Stop warns when it must).
            Assert.Contains("supervisor exits: stopped as requested", log);
            Assert.Single(log.Split('\n'), l => l.Contains("started the node, process"));
            Assert.DoesNotContain(sandbox.Log.Entries, e => e.StartsWith("WARNING:"));
        }

        [Fact]
        public async Task Stop_sends_SIGTERM_when_SIGINT_does_not_end_the_node_within_half_the_timeout()
        {
            using var sandbox = new NodeSandbox();
            FabstirNode node = await sandbox.StartAsync(("FABSTIR_STANDIN_SHUTDOWN_DELAY_MS", "60000"));
            var clock = Stopwatch.StartNew();

            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(4), sandbox.Log, CancellationToken.None));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(9), $"stopping took {clock.Elapsed}");
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), "SIGTERM must wait for half the timeout");
            Assert.Contains($"VERBOSE: Sending SIGINT to the node (process {node.ProcessId}).", sandbox.Log.Entries);
            Assert.Contains($"VERBOSE: Sending SIGTERM to the node (process {node.ProcessId}).", sandbox.Log.Entries);
            Assert.DoesNotContain(sandbox.Log.Entries, e => e.Contains("Sending SIGKILL"));
            await sandbox.AssertNothingRunningAsync();
            string log = File.ReadAllText(NodeLogFormat.LiveFile(sandbox.Paths.LogDirectory));
            Assert.Contains("Shutting down", log);
            Assert.DoesNotContain("Goodbye", log);
            Assert.Contains("killed by SIGTERM (exit code 143)", log);
            Assert.Equal(143, sandbox.State.LastExitCode);
        }

        [Fact]
        public async Task Stop_sends_SIGKILL_to_a_node_that_ignores_SIGTERM_once_the_timeout_has_passed()
        {
            using var sandbox = new NodeSandbox();
            FabstirNode node = await sandbox.StartAsync(
                ("FABSTIR_STANDIN_SHUTDOWN_DELAY_MS", "60000"), ("FABSTIR_STANDIN_IGNORE_SIGTERM", "1"));
            var clock = Stopwatch.StartNew();

            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(2), sandbox.Log, CancellationToken.None));

            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), "SIGKILL must wait for the whole timeout");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"stopping took {clock.Elapsed}");
            Assert.Contains($"VERBOSE: Sending SIGTERM to the node (process {node.ProcessId}).", sandbox.Log.Entries);
            Assert.Contains($"VERBOSE: Sending SIGKILL to the node (process {node.ProcessId}).", sandbox.Log.Entries);
            await sandbox.AssertNothingRunningAsync();
            string log = File.ReadAllText(NodeLogFormat.LiveFile(sandbox.Paths.LogDirectory));
            Assert.Contains("was killed by SIGKILL", log);
            Assert.Equal(137, sandbox.State.LastExitCode);
        }

        [Fact]
        public async Task A_node_waiting_to_be_restarted_is_reported_Restarting_and_a_stop_then_prevents_the_restart()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options(("FABSTIR_STANDIN_CRASH_AFTER_READY_MS", "500"));
            options.RestartDelay = TimeSpan.FromSeconds(30);
            FabstirNode first = await sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None);

            await Eventually.Assert(() => sandbox.State.Status == NodeStateStatus.Restarting, TimeSpan.FromSeconds(15),
                "the supervisor waits to restart the crashed node");
            FabstirNode waiting = await sandbox.Controller.GetAsync(CancellationToken.None);
            Assert.Equal(NodeStatus.Restarting, waiting.Status);
            Assert.Equal(1, waiting.RestartCount);
            Assert.Equal(1, waiting.LastExitCode);
            Assert.NotNull(waiting.LastExitTime);
            Assert.Null(waiting.ProcessId);
            Assert.True(waiting.SupervisorAlive);

            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(5), sandbox.Log, CancellationToken.None));
            await sandbox.AssertNothingRunningAsync();
            string log = File.ReadAllText(NodeLogFormat.LiveFile(sandbox.Paths.LogDirectory));
            Assert.Contains("stopped as requested while waiting to restart", log);
            Assert.Single(log.Split('\n'), l => l.Contains("started the node, process"));
            Assert.Equal(NodeStatus.Stopped, (await sandbox.Controller.GetAsync(CancellationToken.None)).Status);
            Assert.Null(ProcessIdentity.StartToken(first.ProcessId!.Value));
        }

        [Fact]
        public async Task A_node_still_starting_is_reported_Starting_with_the_phase_reached()
        {
            using var sandbox = new NodeSandbox();
            using var cancel = new CancellationTokenSource();
            Task<FabstirNode> start = sandbox.Controller.StartAsync(
                sandbox.Options(("FABSTIR_STANDIN_HANG_BEFORE_READY", "1")), sandbox.Log, cancel.Token);
            try
            {
                await Eventually.Assert(() => File.Exists(sandbox.Paths.StateFile)
                    && sandbox.State.Phase == NodePhase.P2PStarted, TimeSpan.FromSeconds(20), "the node reached P2P");

                FabstirNode node = await sandbox.Controller.GetAsync(CancellationToken.None);
                Assert.Equal(NodeStatus.Starting, node.Status);
                Assert.Equal(NodePhase.P2PStarted, node.Phase);
                Assert.Equal(sandbox.State.NodePid, node.ProcessId);
                Assert.Null(node.HealthStatus);
            }
            finally
            {
                cancel.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
            }

            await sandbox.AssertNothingRunningAsync();
        }

        [Fact]
        public async Task A_node_whose_health_does_not_answer_after_the_banner_fails_the_start_and_is_stopped()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options();

            // The node serves its API on another port than the one the launcher gave it, so the
            // banner appears but the expected /health never answers.
            int elsewhere = FreePort.Range(1);
            options.NodePath = WriteWrapper(sandbox, $"API_PORT={elsewhere}");

            var error = await Assert.ThrowsAsync<FabstirException>(
                () => sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None));

            Assert.Equal("NodeHealthCheckFailed", error.ErrorId);
            Assert.Equal(FabstirErrorCategory.ConnectionError, error.Category);
            Assert.Contains($"http://127.0.0.1:{sandbox.ApiPort}/health did not answer 200", error.Message);
            await sandbox.AssertNothingRunningAsync();
            Assert.Equal(NodeStateStatus.Stopped, sandbox.State.Status);
        }

        [Fact]
        public async Task The_supervisor_logs_a_flood_across_rotations_without_losing_or_tearing_a_line()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options(
                ("FABSTIR_STANDIN_FLOOD_LINES_PER_SEC", "5000"), ("FABSTIR_STANDIN_FLOOD_SECONDS", "2"));
            options.LogMaxBytes = 64 * 1024;
            options.LogFiles = 200;
            await sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None);
            string directory = sandbox.Paths.LogDirectory;
            await Eventually.Assert(
                () => File.ReadAllText(NodeLogFormat.LiveFile(directory)).Contains("flood done 10000"),
                TimeSpan.FromSeconds(60), "the flood ended");

            var numbers = new List<int>();
            string[] files = Directory.GetFiles(directory, "node*.log");
            foreach (string file in files)
            {
                foreach (string line in File.ReadAllLines(file))
                {
                    Assert.True(NodeLogFormat.TryParse(line, out _, out _, out string text), $"torn line: {line}");
                    var flood = System.Text.RegularExpressions.Regex.Match(AnsiText.Strip(text), @"flood (\d+)$");
                    if (flood.Success)
                    {
                        numbers.Add(int.Parse(flood.Groups[1].Value));
                    }
                }
            }

            Assert.True(files.Length > 5, $"the log should have rotated several times, not {files.Length - 1}");
            Assert.Equal(Enumerable.Range(1, 10000), numbers.OrderBy(n => n));
        }

        [Fact]
        public async Task The_environment_overrides_win_over_the_settings_built_from_parameters()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options(("RUST_LOG", "warn"), ("GPU_LAYERS", "12"));
            options.LogLevel = "debug";

            await sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None);

            string environment = File.ReadAllText($"/proc/{sandbox.State.NodePid}/environ");
            Assert.Contains("\0RUST_LOG=warn\0", environment);
            Assert.Contains("\0GPU_LAYERS=12\0", environment);
        }

        [Fact]
        public async Task With_a_key_the_node_gets_the_chain_variables_and_without_one_it_does_not()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options();
            options.ChainEnvironment["RPC_URL"] = "http://127.0.0.1:9/unreachable";
            options.ChainEnvironment["CONTRACT_JOB_MARKETPLACE"] = "0x00000000000000000000000000000000000000a1";
            await sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None);
            string withoutKey = File.ReadAllText($"/proc/{sandbox.State.NodePid}/environ");
            await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(10), sandbox.Log, CancellationToken.None);

            options.PrivateKey = new System.Net.NetworkCredential(
                "", "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d").SecurePassword;
            await sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None);
            string withKey = File.ReadAllText($"/proc/{sandbox.State.NodePid}/environ");

            Assert.DoesNotContain("CONTRACT_JOB_MARKETPLACE=", withoutKey);
            Assert.DoesNotContain("\0RPC_URL=", withoutKey);
            Assert.Contains("\0CONTRACT_JOB_MARKETPLACE=0x00000000000000000000000000000000000000a1\0", withKey);
            Assert.Contains("\0RPC_URL=http://127.0.0.1:9/unreachable\0", withKey);
        }

        [Fact]
        public async Task The_node_gets_its_settings_and_none_of_the_modules_secrets()
        {
            using var sandbox = new NodeSandbox();
            Environment.SetEnvironmentVariable("FABSTIR_KEYSTORE_PASSWORD", "do-not-pass");
            try
            {
                await sandbox.StartAsync();
            }
            finally
            {
                Environment.SetEnvironmentVariable("FABSTIR_KEYSTORE_PASSWORD", null);
            }

            NodeState state = sandbox.State;
            string environment = File.ReadAllText($"/proc/{state.NodePid}/environ");
            Assert.Contains("MODEL_PATH=" + sandbox.ModelPath + "\0", environment);
            Assert.Contains($"API_PORT={sandbox.ApiPort}\0", environment);
            Assert.Contains($"P2P_PORT={sandbox.P2PPort}\0", environment);
            Assert.DoesNotContain("do-not-pass", environment);
            Assert.DoesNotContain("do-not-pass", File.ReadAllText($"/proc/{state.SupervisorPid}/environ"));
        }

        [Fact]
        public async Task The_private_key_reaches_the_node_but_not_the_supervisors_arguments_environment_or_files()
        {
            using var sandbox = new NodeSandbox();
            const string key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
            var secure = new System.Security.SecureString();
            foreach (char c in key)
            {
                secure.AppendChar(c);
            }

            NodeLaunchOptions options = sandbox.Options();
            options.PrivateKey = secure;
            await sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None);

            NodeState state = sandbox.State;
            Assert.Contains("HOST_PRIVATE_KEY=" + key, File.ReadAllText($"/proc/{state.NodePid}/environ"));
            Assert.DoesNotContain(key, File.ReadAllText($"/proc/{state.SupervisorPid}/environ"));
            Assert.DoesNotContain(key, File.ReadAllText($"/proc/{state.SupervisorPid}/cmdline"));
            foreach (string file in Directory.GetFiles(sandbox.Home, "*", SearchOption.AllDirectories))
            {
                Assert.DoesNotContain(key, File.ReadAllText(file));
            }

            Assert.DoesNotContain(sandbox.Log.Entries, e => e.Contains(key));
        }

        [Fact]
        public async Task An_exit_before_ready_fails_at_once_with_the_nodes_own_lines()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options();
            options.NodePath = WriteWrapper(sandbox, "MODEL_PATH=/nonexistent/model.gguf");
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<FabstirException>(
                () => sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None));

            Assert.Equal("NodeExitedEarly", error.ErrorId);
            Assert.Contains("exited with code 1", error.Message);
            Assert.Contains("Model file not found at: /nonexistent/model.gguf", error.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "an early exit must not wait for the deadline");
            await sandbox.AssertNothingRunningAsync();
            Assert.Equal(NodeStateStatus.Stopped, sandbox.State.Status);
        }

        [Fact]
        public async Task A_model_that_fails_to_load_fails_the_start_and_stops_the_node()
        {
            using var sandbox = new NodeSandbox();
            var error = await Assert.ThrowsAsync<FabstirException>(
                () => sandbox.StartAsync(("FABSTIR_STANDIN_LOAD_FAIL", "1")));

            Assert.Equal("NodeModelLoadFailed", error.ErrorId);
            Assert.Contains("Failed to load model", error.Message);
            await sandbox.AssertNothingRunningAsync();
        }

        [Fact]
        public async Task A_node_that_never_gets_ready_times_out_naming_the_phase_and_is_stopped()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options(("FABSTIR_STANDIN_HANG_BEFORE_READY", "1"));
            options.ReadyTimeout = TimeSpan.FromSeconds(4);

            var error = await Assert.ThrowsAsync<FabstirException>(
                () => sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None));

            Assert.Equal("NodeReadyTimeout", error.ErrorId);
            Assert.Contains("P2PStarted", error.Message);
            Assert.Equal(FabstirErrorCategory.OperationTimeout, error.Category);
            await sandbox.AssertNothingRunningAsync();
        }

        [Fact]
        public async Task A_crash_after_ready_is_restarted_and_counted()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options(
                ("FABSTIR_STANDIN_CRASH_AFTER_READY_MS", "1500"), ("FABSTIR_STANDIN_CRASH_MODE", "panic"));
            options.MaxRestarts = 20;
            FabstirNode first = await sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None);

            await Eventually.Assert(() => sandbox.State.RestartCount >= 1 && sandbox.State.Status == NodeStateStatus.Ready
                && sandbox.State.NodePid != first.ProcessId, TimeSpan.FromSeconds(20), "the node is restarted and ready again");
            FabstirNode node = await sandbox.Controller.GetAsync(CancellationToken.None);
            Assert.True(node.RestartCount >= 1);
            Assert.Equal(101, node.LastExitCode);
            Assert.Contains("the node exited with code 101",
                File.ReadAllText(NodeLogFormat.LiveFile(sandbox.Paths.LogDirectory)));
        }

        [Fact]
        public async Task A_crash_loop_stops_the_retries()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options(("FABSTIR_STANDIN_CRASH_AFTER_READY_MS", "800"));
            options.MaxRestarts = 2;
            await sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None);

            await Eventually.Assert(() => sandbox.State.Status == NodeStateStatus.CrashLoop, TimeSpan.FromSeconds(30),
                "the supervisor gives up");
            FabstirNode node = await sandbox.Controller.GetAsync(CancellationToken.None);
            Assert.Equal(NodeStatus.CrashLoop, node.Status);
            Assert.Equal(2, node.RestartCount);
            await sandbox.AssertNothingRunningAsync();
            string log = File.ReadAllText(NodeLogFormat.LiveFile(sandbox.Paths.LogDirectory));
            Assert.Contains("crash loop", log);

            // The delay doubles from the configured first one (100 ms) with each crash in a row.
            Assert.Matches(@"restarting the node in 0[.,]1 s \(crash 1 of at most 2\)", log);
            Assert.Matches(@"restarting the node in 0[.,]2 s \(crash 2 of at most 2\)", log);
        }

        [Fact]
        public async Task A_pid_now_owned_by_another_process_is_reported_stale_and_not_signalled()
        {
            using var sandbox = new NodeSandbox();
            using Process unrelated = Process.Start(new ProcessStartInfo("sleep", "60"))!;
            try
            {
                NodeStateStore.Save(sandbox.Paths, new NodeState
                {
                    Status = NodeStateStatus.Ready,
                    SupervisorPid = unrelated.Id,
                    SupervisorStartToken = "1",
                    NodePid = unrelated.Id,
                    NodeStartToken = "1",
                    Settings = new NodeSettings { ApiPort = sandbox.ApiPort, ModelPath = sandbox.ModelPath },
                });

                FabstirNode node = await sandbox.Controller.GetAsync(CancellationToken.None);
                Assert.Equal(NodeStatus.Stale, node.Status);
                Assert.Contains(unrelated.Id.ToString(), node.Detail);

                Assert.False(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(2), sandbox.Log, CancellationToken.None));
                Assert.False(unrelated.HasExited);
                Assert.Contains(sandbox.Log.Entries, e => e.StartsWith("WARNING:") && e.Contains("stale"));
            }
            finally
            {
                unrelated.Kill();
            }
        }

        [Fact]
        public async Task A_damaged_state_file_is_reported_with_its_path_and_kept()
        {
            using var sandbox = new NodeSandbox();
            sandbox.Paths.EnsureCreated();
            File.WriteAllText(sandbox.Paths.StateFile, "{ not json");

            var error = await Assert.ThrowsAsync<FabstirException>(() => sandbox.Controller.GetAsync(CancellationToken.None));
            Assert.Equal("StateFileDamaged", error.ErrorId);
            Assert.Contains(sandbox.Paths.StateFile, error.Message);
            var start = await Assert.ThrowsAsync<FabstirException>(() => sandbox.StartAsync());
            Assert.Equal("StateFileDamaged", start.ErrorId);
            Assert.Equal("{ not json", File.ReadAllText(sandbox.Paths.StateFile));
            await sandbox.AssertNothingRunningAsync();
        }

        [Fact]
        public async Task Stop_when_stopped_changes_nothing()
        {
            using var sandbox = new NodeSandbox();
            Assert.False(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(2), sandbox.Log, CancellationToken.None));
            Assert.Contains(sandbox.Log.Entries, e => e.StartsWith("VERBOSE: No node is running"));
            Assert.False(File.Exists(sandbox.Paths.StateFile));
        }

        [Fact]
        public async Task Two_starts_at_once_one_wins_the_other_is_refused()
        {
            using var sandbox = new NodeSandbox();
            Task<FabstirNode> first = sandbox.StartAsync(("FABSTIR_STANDIN_LOAD_MS", "1500"));
            Task<FabstirNode> second = sandbox.StartAsync(("FABSTIR_STANDIN_LOAD_MS", "1500"));
            var outcomes = await Task.WhenAll(Settle(first), Settle(second));

            Assert.Single(outcomes, o => o.Node?.Status == NodeStatus.Ready);
            FabstirException refused = Assert.Single(outcomes, o => o.Error?.ErrorId == "NodeAlreadyRunning").Error!;
            Assert.Contains(sandbox.Home, refused.Message);
            var third = await Assert.ThrowsAsync<FabstirException>(() => sandbox.StartAsync());
            Assert.Equal("NodeAlreadyRunning", third.ErrorId);
            Assert.Contains("Stop-FabstirNode", third.Message);

            // The refused starts spawned nothing: one supervisor and one node, and stopping them
            // leaves nothing.
            Assert.Equal(2, sandbox.ProcessesInHome().Count);
            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(10), sandbox.Log, CancellationToken.None));
            await sandbox.AssertNothingRunningAsync();
        }

        [Fact]
        public async Task A_killed_supervisor_is_reported_and_stop_still_stops_the_node()
        {
            using var sandbox = new NodeSandbox();
            FabstirNode node = await sandbox.StartAsync();
            Process.GetProcessById(node.SupervisorProcessId!.Value).Kill();
            await Eventually.Assert(() => ProcessIdentity.StartToken(node.SupervisorProcessId.Value) == null,
                TimeSpan.FromSeconds(10), "the supervisor is dead");

            FabstirNode got = await sandbox.Controller.GetAsync(CancellationToken.None);
            Assert.False(got.SupervisorAlive);
            Assert.Equal(node.ProcessId, got.ProcessId);
            Assert.Contains("supervisor", got.Detail);

            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(10), sandbox.Log, CancellationToken.None));
            await sandbox.AssertNothingRunningAsync();
            Assert.Equal(NodeStatus.Stopped, (await sandbox.Controller.GetAsync(CancellationToken.None)).Status);
        }

        [Fact]
        public async Task Cancelling_a_start_leaves_nothing_running()
        {
            using var sandbox = new NodeSandbox();
            using var cancel = new CancellationTokenSource();
            Task<FabstirNode> start = sandbox.Controller.StartAsync(
                sandbox.Options(("FABSTIR_STANDIN_LOAD_MS", "20000")), sandbox.Log, cancel.Token);
            await Eventually.Assert(() => File.Exists(sandbox.Paths.StateFile) && sandbox.State.NodePid != null,
                TimeSpan.FromSeconds(15), "the node was spawned");

            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
            await sandbox.AssertNothingRunningAsync();
        }

        [Fact]
        public async Task Waiting_for_stopped_returns_when_the_recorded_processes_died_without_recording_it()
        {
            using var sandbox = new NodeSandbox();
            using Process gone = Process.Start(new ProcessStartInfo("true"))!;
            gone.WaitForExit();
            NodeStateStore.Save(sandbox.Paths, new NodeState
            {
                Status = NodeStateStatus.Ready,
                SupervisorPid = gone.Id,
                SupervisorStartToken = "1",
                NodePid = gone.Id,
                NodeStartToken = "1",
                Settings = new NodeSettings { ApiPort = sandbox.ApiPort, ModelPath = sandbox.ModelPath },
            });

            FabstirNode node = await sandbox.Controller.WaitAsync(
                untilStopped: true, TimeSpan.FromSeconds(5), sandbox.Log, CancellationToken.None);

            Assert.Equal(NodeStatus.Stale, node.Status);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        public async Task An_api_port_among_the_p2p_ports_is_refused_before_anything_is_spawned(int p2pOffset)
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options();
            options.P2PPort = sandbox.ApiPort + p2pOffset;

            var error = await Assert.ThrowsAsync<FabstirException>(
                () => sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None));

            Assert.Equal("PortConflict", error.ErrorId);
            Assert.Contains(sandbox.ApiPort.ToString(), error.Message);
            Assert.False(File.Exists(sandbox.Paths.StateFile));
            await sandbox.AssertNothingRunningAsync();
        }

        internal static string WriteWrapper(NodeSandbox sandbox, string assignment)
        {
            string wrapper = Path.Combine(sandbox.Home, "node-wrapper.sh");
            File.WriteAllText(wrapper, $"#!/bin/sh\n{assignment} exec '{TestAssets.StandInNode}' \"$@\"\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return wrapper;
        }

        private static async Task<(FabstirNode? Node, FabstirException? Error)> Settle(Task<FabstirNode> start)
        {
            try
            {
                return (await start, null);
            }
            catch (FabstirException ex)
            {
                return (null, ex);
            }
        }
    }
}
