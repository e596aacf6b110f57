using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>Which pipe a line of the stand-in's output came from.</summary>
    public enum OutputStream
    {
        Stdout,
        Stderr,
    }

    /// <summary>One line of output, numbered in arrival order across both pipes.</summary>
    public sealed record OutputLine(int Index, OutputStream Stream, DateTime ReceivedUtc, string Text);

    /// <summary>
    /// Runs the built stand-in node as a child process with a clean environment (nothing inherited
    /// that the node or the stand-in reads), free ports and a temporary GGUF model, and records its
    /// stdout and stderr line by line. Dispose kills the process tree and removes the temp folder.
    /// </summary>
    public sealed class StandInProcess : IDisposable
    {
        public const int SigInt = 2;
        public const int SigTerm = 15;
        public const int SigKill = 9;

        /// <summary>Variables cleared from the inherited environment: everything the node reads.</summary>
        private static readonly string[] NodeVariables =
        {
            "MODEL_PATH", "API_PORT", "P2P_PORT", "HOST_PRIVATE_KEY", "RUST_LOG", "GPU_LAYERS",
            "MAX_CONTEXT_LENGTH", "LLAMA_BATCH_SIZE", "KV_CACHE_TYPE", "REQUIRE_MODEL_VALIDATION",
            "DISABLE_LLM", "RPC_URL", "BASE_SEPOLIA_RPC_URL",
        };

        private readonly object _gate = new();
        private readonly List<OutputLine> _lines = new();
        private readonly Task _stdoutPump;
        private readonly Task _stderrPump;
        private TaskCompletionSource _changed = NewSignal();

        /// <param name="environment">
        /// Variables to set for the node (a null value removes one); they override the defaults
        /// this class chooses (MODEL_PATH, API_PORT, P2P_PORT).
        /// </param>
        /// <param name="arguments">Command-line arguments (the node ignores them).</param>
        public StandInProcess(IReadOnlyDictionary<string, string?>? environment = null,
            IEnumerable<string>? arguments = null)
        {
            TempDirectory = Directory.CreateTempSubdirectory("fabstir-standin-").FullName;
            ModelPath = CreateModelFile(TempDirectory);
            ApiPort = FreePort.Tcp();
            P2PPort = FreePort.Range(3);

            var start = new ProcessStartInfo(TestAssets.StandInNode)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
                UseShellExecute = false,
                WorkingDirectory = TempDirectory,
            };
            foreach (string argument in arguments ?? Array.Empty<string>())
            {
                start.ArgumentList.Add(argument);
            }

            PrepareEnvironment(start.Environment, environment);
            ApiPort = PortIn(start.Environment, "API_PORT") ?? ApiPort;
            P2PPort = PortIn(start.Environment, "P2P_PORT") ?? P2PPort;
            Process = Process.Start(start) ?? throw new InvalidOperationException("The stand-in did not start.");
            StartedUtc = DateTime.UtcNow;
            _stdoutPump = PumpAsync(Process.StandardOutput, OutputStream.Stdout);
            _stderrPump = PumpAsync(Process.StandardError, OutputStream.Stderr);
        }

        public Process Process { get; }

        public int Id => Process.Id;

        public DateTime StartedUtc { get; }

        public string TempDirectory { get; }

        /// <summary>The model file handed to the node, unless the caller set MODEL_PATH.</summary>
        public string ModelPath { get; }

        public int ApiPort { get; }

        /// <summary>The first of the three P2P ports (TCP P, TCP P+1, UDP P+2).</summary>
        public int P2PPort { get; }

        public string BaseUrl => $"http://127.0.0.1:{ApiPort}";

        public IReadOnlyList<OutputLine> Lines
        {
            get
            {
                lock (_gate)
                {
                    return _lines.ToArray();
                }
            }
        }

        public IReadOnlyList<string> Stdout => TextOf(OutputStream.Stdout);

        public IReadOnlyList<string> Stderr => TextOf(OutputStream.Stderr);

        /// <summary>Both pipes interleaved in arrival order, prefixed by stream, for failure messages.</summary>
        public string Transcript => string.Join("\n", Lines.Select(l => $"[{l.Stream}] {l.Text}"));

        /// <summary>Writes "GGUF", a little-endian uint32 version 3 and a few bytes: enough for the stand-in.</summary>
        public static string CreateModelFile(string directory, string name = "tiny-vicuna-1b.q4_k_m.gguf")
        {
            string path = Path.Combine(directory, name);
            var content = new List<byte>(Encoding.ASCII.GetBytes("GGUF"));
            content.AddRange(BitConverter.GetBytes(3u));
            content.AddRange(new byte[56]);
            File.WriteAllBytes(path, content.ToArray());
            return path;
        }

        /// <summary>
        /// The first line (on either pipe, or on <paramref name="stream"/>) containing
        /// <paramref name="substring"/>; fails with the transcript on timeout or when the process
        /// exits and its output ends without one.
        /// </summary>
        public async Task<OutputLine> WaitForLineAsync(string substring, TimeSpan timeout,
            OutputStream? stream = null)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    OutputLine? match = _lines.FirstOrDefault(l => (stream == null || l.Stream == stream)
                        && l.Text.Contains(substring, StringComparison.Ordinal));
                    if (match != null)
                    {
                        return match;
                    }

                    changed = _changed.Task;
                }

                if (_stdoutPump.IsCompleted && _stderrPump.IsCompleted)
                {
                    throw new Xunit.Sdk.XunitException(
                        $"The stand-in's output ended without a line containing '{substring}'.\n{Transcript}");
                }

                TimeSpan remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(remaining)) != changed)
                {
                    throw new Xunit.Sdk.XunitException(
                        $"No line containing '{substring}' within {timeout.TotalSeconds:0.#} s.\n{Transcript}");
                }
            }
        }

        /// <summary>Sends a POSIX signal to the stand-in.</summary>
        public void SendSignal(int signal)
        {
            if (Kill(Process.Id, signal) != 0)
            {
                throw new InvalidOperationException(
                    $"kill({Process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
            }
        }

        /// <summary>
        /// Waits for the exit and for both pipes to reach their end, then returns the exit code
        /// (128 + n after death by signal n).
        /// </summary>
        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancellation = new CancellationTokenSource(timeout);
            try
            {
                await Process.WaitForExitAsync(cancellation.Token);
                await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException(
                    $"The stand-in did not exit within {timeout.TotalSeconds:0.#} s.\n{Transcript}");
            }

            return Process.ExitCode;
        }

        public void Dispose()
        {
            try
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                    Process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            Process.Dispose();
            try
            {
                Directory.Delete(TempDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private void PrepareEnvironment(IDictionary<string, string?> target,
            IReadOnlyDictionary<string, string?>? overrides)
        {
            foreach (string name in target.Keys.ToArray())
            {
                if (name.StartsWith("FABSTIR_STANDIN_", StringComparison.Ordinal)
                    || name.StartsWith("CONTRACT_", StringComparison.Ordinal)
                    || NodeVariables.Contains(name))
                {
                    target.Remove(name);
                }
            }

            target["MODEL_PATH"] = ModelPath;
            target["API_PORT"] = ApiPort.ToString();
            target["P2P_PORT"] = P2PPort.ToString();
            foreach ((string name, string? value) in overrides ?? new Dictionary<string, string?>())
            {
                if (value == null)
                {
                    target.Remove(name);
                }
                else
                {
                    target[name] = value;
                }
            }
        }

        private async Task PumpAsync(StreamReader reader, OutputStream stream)
        {
            while (await reader.ReadLineAsync() is string text)
            {
                lock (_gate)
                {
                    _lines.Add(new OutputLine(_lines.Count, stream, DateTime.UtcNow, text));
                    _changed.TrySetResult();
                    _changed = NewSignal();
                }
            }

            lock (_gate)
            {
                _changed.TrySetResult();
                _changed = NewSignal();
            }
        }

        private string[] TextOf(OutputStream stream) =>
            Lines.Where(l => l.Stream == stream).Select(l => l.Text).ToArray();

        private static int? PortIn(IDictionary<string, string?> environment, string name) =>
            environment.TryGetValue(name, out string? text) && int.TryParse(text, out int port) ? port : null;

        private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);
    }
}
