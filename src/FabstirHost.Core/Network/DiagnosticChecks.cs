using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using static FabstirHost.Core.Network.FabstirDiagnostic;

namespace FabstirHost.Core.Network
{
    /// <summary>
    /// The individual checks, each turning what was found into one <see cref="FabstirDiagnostic"/>.
    /// Shared by the full diagnostics and by the troubleshooter that picks checks for one failure.
    /// This part: the node binary, the model file and the node process.
    /// </summary>
    internal static partial class DiagnosticChecks
    {
        public const string StartNode = "Start-FabstirNode";
        private const string SetNodePath = "Set-FabstirHostConfig -NodePath '/path/to/fabstir-llm-node'";
        private const string SetModelPath = "Set-FabstirHostConfig -ModelPath '/path/to/model.gguf'";

        /// <summary>
        /// A damaged config.json: its settings are unknown, so the other checks use only what the
        /// parameters and the built-in defaults give.
        /// </summary>
        public static FabstirDiagnostic ConfigFile(FabstirPaths paths, string damage, string? remedy = null)
        {
            return Fail(DiagnosticArea.Config, "Configuration file",
                $"{damage} Until it is repaired, the checks below use only the parameters given and the " +
                $"built-in defaults (API port {DiagnosticsOptions.DefaultApiPort}, the node binary from " +
                $"{NodeBinaryLocator.EnvironmentVariable} or PATH).",
                remedy ?? $"Move-Item '{paths.ConfigFile}' '{paths.ConfigFile}.damaged'");
        }

        /// <summary>A check skipped because the damaged config.json would have given its value.</summary>
        public static FabstirDiagnostic UnknownSetting(string area, string name, string what, string parameter)
        {
            return Skip(area, name,
                $"config.json is damaged, so the configured {what} is unknown: give {parameter}");
        }

        public static FabstirDiagnostic NodeBinary(NodeBinaryLocation location)
        {
            const string name = "Node binary";
            const string area = DiagnosticArea.Node;
            if (location.Path == null)
            {
                return Fail(area, name,
                    $"'{NodeBinaryLocator.BinaryName}' was not found: no NodePath in the configuration, " +
                    $"no {NodeBinaryLocator.EnvironmentVariable}, and not on PATH",
                    SetNodePath);
            }

            string where = $"'{location.Path}' (from {location.Source})";
            if (!File.Exists(location.Path))
            {
                return Fail(area, name, $"{where} does not exist", SetNodePath);
            }

            if (!NodeBinaryLocator.IsExecutable(location.Path))
            {
                return Fail(area, name, $"{where} is not executable", $"chmod +x '{location.Path}'");
            }

            return Pass(area, name, $"{where} is executable");
        }

        public static FabstirDiagnostic ModelFile(string? modelPath)
        {
            const string name = "Model file";
            const string area = DiagnosticArea.Model;
            if (string.IsNullOrWhiteSpace(modelPath))
            {
                return Skip(area, name, "no model is configured (ModelPath)", SetModelPath);
            }

            if (!File.Exists(modelPath))
            {
                return Fail(area, name,
                    $"'{modelPath}' does not exist: the node exits at start-up without its model",
                    SetModelPath);
            }

            var head = new byte[8];
            long size;
            int read;
            using (var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                size = stream.Length;
                read = stream.Read(head, 0, head.Length);
            }

            if (read < 4 || Encoding.ASCII.GetString(head, 0, 4) != "GGUF")
            {
                string first = BitConverter.ToString(head, 0, Math.Min(read, 4)).Replace("-", " ");
                return Fail(area, name,
                    $"'{modelPath}' is not a GGUF model: it starts with '{first}' instead of 'GGUF'",
                    SetModelPath);
            }

            string version = read >= 8 ? $" v{BitConverter.ToUInt32(head, 4)}" : string.Empty;
            return Pass(area, name, $"'{modelPath}' is GGUF{version}, {FormatSize(size)}");
        }

        /// <summary>
        /// Compares the file's SHA-256, read in blocks with progress (big models take minutes), with
        /// the hash the chain holds for the model of that file name.
        /// </summary>
        public static async Task<FabstirDiagnostic> ModelHashAsync(
            string? modelPath,
            IModelHashSource? source,
            CancellationToken cancellationToken,
            IOperationLog? log = null)
        {
            const string name = "Model hash";
            const string area = DiagnosticArea.Model;
            if (source == null)
            {
                return Skip(area, name, "comparing the model's SHA-256 with the chain needs a chain profile");
            }

            if (string.IsNullOrWhiteSpace(modelPath) || !File.Exists(modelPath))
            {
                return Skip(area, name, "no model file to hash");
            }

            string? expected;
            try
            {
                expected = await source.ExpectedSha256Async(modelPath!, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (FabstirException ex)
            {
                return Skip(area, name, $"the chain's hash could not be read: {ex.Message}");
            }

            if (expected == null)
            {
                return Warn(area, name,
                    $"the chain knows no model named '{Path.GetFileName(modelPath)}': clients will not be " +
                    "sent to it",
                    "Get-FabstirModel");
            }

            string actual = (await Models.ModelFile.ComputeSha256Async(modelPath!, log, cancellationToken)
                .ConfigureAwait(false)).Substring(2);
            string wanted = expected.Replace("0x", string.Empty);
            if (!string.Equals(actual, wanted, StringComparison.OrdinalIgnoreCase))
            {
                return Fail(area, name,
                    $"SHA-256 {actual} differs from the chain's {wanted}: the file is damaged or another build",
                    "Test-FabstirModel");
            }

            return Pass(area, name, $"SHA-256 {actual} matches the chain");
        }

        public static FabstirDiagnostic NodeProcess(FabstirPaths paths, out NodeProcessFacts facts)
        {
            FabstirDiagnostic check = NodeProcess(
                paths, out NodeStateSnapshot? state, out NodeProcessCheck? identity);
            bool running = identity?.IsNode == true;
            facts = new NodeProcessFacts(running ? state!.NodeProcessId : null, state != null && !running);
            return check;
        }

        private static FabstirDiagnostic NodeProcess(
            FabstirPaths paths,
            out NodeStateSnapshot? state,
            out NodeProcessCheck? identity)
        {
            const string name = "Node process";
            const string area = DiagnosticArea.Process;
            identity = null;
            try
            {
                state = NodeStateSnapshot.TryRead(paths);
            }
            catch (FabstirException ex)
            {
                state = null;
                return Fail(area, name, ex.Message,
                    $"Move-Item '{paths.StateFile}' '{paths.StateFile}.damaged'");
            }

            if (state == null)
            {
                return Skip(area, name,
                    $"no state file at '{paths.StateFile}': no node was started by FabstirHost in this home");
            }

            identity = state.CheckProcess();
            if (!identity.IsNode)
            {
                string exit = state.LastExitCode == null
                    ? string.Empty
                    : $", last exit code {state.LastExitCode}";
                return Fail(area, name, $"{identity.Problem} (state '{state.Status}'{exit})", StartNode);
            }

            string uptime = identity.StartTime == null
                ? "unknown"
                : FormatDuration(DateTime.UtcNow - identity.StartTime.Value);
            return Pass(area, name,
                $"'{identity.Name}' pid {state.NodeProcessId} matches the state file; up {uptime}, " +
                $"{state.RestartCount ?? 0} restart(s)");
        }

        private static string FormatSize(long bytes)
        {
            string[] units = { "bytes", "KB", "MB", "GB", "TB" };
            double value = bytes;
            int unit = 0;
            while (value >= 1024 && unit < units.Length - 1)
            {
                value /= 1024;
                unit++;
            }

            return unit == 0 ? $"{bytes} bytes" : $"{value:0.#} {units[unit]}";
        }

        private static string FormatDuration(TimeSpan span)
        {
            if (span.TotalDays >= 1)
            {
                return $"{(int)span.TotalDays}d {span.Hours}h";
            }

            return span.TotalHours >= 1
                ? $"{(int)span.TotalHours}h {span.Minutes}m"
                : $"{(int)span.TotalMinutes}m {span.Seconds}s";
        }
    }
}
