using FabstirHost.Core;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;

namespace FabstirHost.Tests.Node
{
    /// <summary>
    /// A throw-away instance for node tests: its own home, a GGUF file, free ports, and the
    /// stand-in node. Disposing it stops and, if need be, kills every process working in the home
    /// (the supervisor's and the node's current folders are inside it), so nothing outlives a test.
    /// </summary>
    public sealed class NodeSandbox : IDisposable
    {
        private readonly TempHome _home = new TempHome();

        static NodeSandbox()
        {
            // Hosted PowerShell (PowerShell.Create) in the test process finds the supervisor's pwsh here.
            Environment.SetEnvironmentVariable("FABSTIR_PWSH", PwshPath);
        }

        public NodeSandbox()
        {
            ModelPath = Path.Combine(_home.Path, "models", "tiny.gguf");
            Directory.CreateDirectory(Path.GetDirectoryName(ModelPath)!);
            File.WriteAllBytes(ModelPath, new byte[] { (byte)'G', (byte)'G', (byte)'U', (byte)'F', 3, 0, 0, 0 });
            ApiPort = FreePort.Range(4);
            Controller = new NodeController(Paths);
        }

        /// <summary>The pwsh of the repository's tool manifest, run through dotnet.</summary>
        public static string PwshPath
        {
            get
            {
                string? given = Environment.GetEnvironmentVariable("FABSTIR_TEST_PWSH");
                if (!string.IsNullOrEmpty(given))
                {
                    return given;
                }

                string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
                return Path.Combine(packages, "powershell", "7.6.10", "tools", "net10.0", "any", "unix", "pwsh.dll");
            }
        }

        public string Home => _home.Path;

        public FabstirPaths Paths => _home.Paths;

        public NodeController Controller { get; }

        public string ModelPath { get; }

        public int ApiPort { get; }

        public int P2PPort => ApiPort + 1;

        public RecordingLog Log { get; } = new RecordingLog();

        public NodeLaunchOptions Options(params (string Name, string Value)[] environment)
        {
            var options = new NodeLaunchOptions(Paths)
            {
                NodePath = TestAssets.StandInNode,
                ModelPath = ModelPath,
                ApiPort = ApiPort,
                SupervisorHost = PwshPath,
                ReadyTimeout = TimeSpan.FromSeconds(30),
                RestartDelay = TimeSpan.FromMilliseconds(100),
            };
            foreach ((string name, string value) in environment)
            {
                options.Environment[name] = value;
            }

            return options;
        }

        public Task<FabstirNode> StartAsync(params (string Name, string Value)[] environment)
        {
            return Controller.StartAsync(Options(environment), Log, CancellationToken.None);
        }

        public NodeState State => NodeStateStore.Load(Paths)!;

        /// <summary>Ids of live processes whose current folder is inside this home.</summary>
        public IReadOnlyList<int> ProcessesInHome()
        {
            var found = new List<int>();
            foreach (string entry in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(entry), out int pid))
                {
                    continue;
                }

                try
                {
                    string? cwd = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                    if (cwd != null && (cwd == Home || cwd.StartsWith(Home + "/", StringComparison.Ordinal))
                        && ProcessIdentity.StartToken(pid) != null)
                    {
                        found.Add(pid);
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }

            return found;
        }

        public async Task AssertNothingRunningAsync()
        {
            if (await Eventually.TrueAsync(() => ProcessesInHome().Count == 0, TimeSpan.FromSeconds(10)))
            {
                return;
            }

            // Name what was left, so that a failure on a loaded machine says which process and why.
            throw new Xunit.Sdk.XunitException(
                "Condition not met within 10 s: no supervisor or node process of this home should be left; " +
                "left: " + string.Join("; ", ProcessesInHome().Select(Describe)) +
                Environment.NewLine + "State: " +
                (File.Exists(Paths.StateFile) ? File.ReadAllText(Paths.StateFile) : "none") +
                Environment.NewLine + "Supervisor log: " + LogTail() +
                Environment.NewLine + "Log:" + Environment.NewLine + string.Join(Environment.NewLine, Log.Entries));
        }

        private string LogTail()
        {
            string live = NodeLogFormat.LiveFile(Paths.LogDirectory);
            return File.Exists(live)
                ? string.Join(Environment.NewLine, File.ReadAllLines(live).TakeLast(15))
                : "none";
        }

        private static string Describe(int pid)
        {
            try
            {
                string command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                string state = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ')[0];
                return $"{pid} ({state}) {command}";
            }
            catch (IOException)
            {
                return pid + " (gone)";
            }
        }

        public void Dispose()
        {
            try
            {
                Controller.StopAsync(TimeSpan.FromSeconds(2), NullOperationLog.Instance, CancellationToken.None)
                    .GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // The kill below is the safety net.
            }

            foreach (int pid in ProcessesInHome())
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
                catch (Exception)
                {
                }
            }

            _home.Dispose();
        }
    }

    /// <summary>An operation log that keeps everything, for assertions.</summary>
    public sealed class RecordingLog : IOperationLog
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _entries = new();

        public IReadOnlyList<string> Entries => _entries.ToArray();

        public void Verbose(string message) => _entries.Enqueue("VERBOSE: " + message);

        public void Debug(string message) => _entries.Enqueue("DEBUG: " + message);

        public void Warning(string message) => _entries.Enqueue("WARNING: " + message);

        public void Progress(OperationProgress progress) => _entries.Enqueue("PROGRESS: " + progress.Status);
    }
}
