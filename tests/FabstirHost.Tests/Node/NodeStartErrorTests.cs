using System.Net;
using System.Net.Sockets;
using FabstirHost.Core;
using FabstirHost.Core.Node;
using Xunit;

namespace FabstirHost.Tests.Node
{
    /// <summary>Failures of a start say what was wrong with what, and what to do.</summary>
    public sealed class NodeStartErrorTests
    {
        [Fact]
        public async Task An_executable_that_is_no_program_fails_as_not_runnable_naming_the_path()
        {
            using var sandbox = new NodeSandbox();
            string garbage = Path.Combine(sandbox.Home, "garbage");
            File.WriteAllBytes(garbage, Enumerable.Range(0, 100).Select(i => (byte)(i * 37 + 11)).ToArray());
            File.SetUnixFileMode(garbage, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            NodeLaunchOptions options = sandbox.Options();
            options.NodePath = garbage;

            FabstirException error = await Assert.ThrowsAsync<FabstirException>(
                () => sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None));

            Assert.Equal("NodeBinaryNotRunnable", error.ErrorId);
            Assert.Equal(garbage, error.Target);
            Assert.Contains("Exec format error", error.Message);
            Assert.Contains("#!", error.Message);
            Assert.DoesNotContain("An error occurred trying to start process", error.Message);
            await sandbox.AssertNothingRunningAsync();
        }

        [Fact]
        public async Task A_binary_that_exits_silently_is_said_to_have_printed_nothing()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options();
            options.NodePath = "/bin/true";

            FabstirException error = await Assert.ThrowsAsync<FabstirException>(
                () => sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None));

            Assert.Equal("NodeExitedEarly", error.ErrorId);
            Assert.Contains("It printed nothing", error.Message);
            Assert.DoesNotContain("Its last lines:", error.Message);
        }

        [Fact]
        public async Task A_port_in_use_names_the_process_that_holds_it()
        {
            using var sandbox = new NodeSandbox();
            var holder = new TcpListener(IPAddress.Any, sandbox.ApiPort);
            holder.Start();
            try
            {
                FabstirException error = await Assert.ThrowsAsync<FabstirException>(
                    () => sandbox.StartAsync());

                Assert.Equal("ApiPortInUse", error.ErrorId);
                Assert.Contains($"(pid {Environment.ProcessId})", error.Message);
            }
            finally
            {
                holder.Stop();
            }
        }
    }
}
