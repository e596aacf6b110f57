using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Network
{
    /// <summary>
    /// The individual checks, each turning what was found into one <see cref="FabstirDiagnostic"/>.
    /// Shared by the full diagnostics and by the troubleshooter that picks checks for one failure.
    /// </summary>
    /// <summary>What the node process check found, for judging who holds the node's ports.</summary>
    internal sealed class NodeProcessFacts
    {
        public static readonly NodeProcessFacts Unknown = new NodeProcessFacts(null, false);

        public NodeProcessFacts(int? runningProcessId, bool recordedButStopped)
        {
            RunningProcessId = runningProcessId;
            RecordedButStopped = recordedButStopped;
        }

        /// <summary>The node's process id, when it runs and matches the state file.</summary>
        public int? RunningProcessId { get; }

        /// <summary>True when the state file names a node that is not running (or whose id was reused).</summary>
        public bool RecordedButStopped { get; }
    }

    internal static class DiagnosticChecks
    {
        public const string StartNode = "Start-FabstirNode";

        public static FabstirDiagnostic NodeBinary(NodeBinaryLocation location)
        {
            const string name = "Node binary";
            if (location.Path == null)
            {
                return new FabstirDiagnostic(DiagnosticArea.Node, name, DiagnosticStatus.Fail,
                    $"'{NodeBinaryLocator.BinaryName}' was not found: no NodePath in the configuration, no " +
                    $"{NodeBinaryLocator.EnvironmentVariable}, and not on PATH",
                    "Set-FabstirHostConfig -NodePath '/path/to/fabstir-llm-node'");
            }

            if (!File.Exists(location.Path))
            {
                return new FabstirDiagnostic(DiagnosticArea.Node, name, DiagnosticStatus.Fail,
                    $"'{location.Path}' (from {location.Source}) does not exist",
                    "Set-FabstirHostConfig -NodePath '/path/to/fabstir-llm-node'");
            }

            if (!NodeBinaryLocator.IsExecutable(location.Path))
            {
                return new FabstirDiagnostic(DiagnosticArea.Node, name, DiagnosticStatus.Fail,
                    $"'{location.Path}' (from {location.Source}) is not executable", $"chmod +x '{location.Path}'");
            }

            return new FabstirDiagnostic(DiagnosticArea.Node, name, DiagnosticStatus.Pass,
                $"'{location.Path}' (from {location.Source}) is executable");
        }

        public static FabstirDiagnostic ModelFile(string? modelPath)
        {
            const string name = "Model file";
            const string remedy = "Set-FabstirHostConfig -ModelPath '/path/to/model.gguf'";
            if (string.IsNullOrWhiteSpace(modelPath))
            {
                return new FabstirDiagnostic(DiagnosticArea.Model, name, DiagnosticStatus.Skip,
                    "no model is configured (ModelPath)", remedy);
            }

            if (!File.Exists(modelPath))
            {
                return new FabstirDiagnostic(DiagnosticArea.Model, name, DiagnosticStatus.Fail,
                    $"'{modelPath}' does not exist: the node exits at start-up without its model", remedy);
            }

            byte[] head = new byte[8];
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
                return new FabstirDiagnostic(DiagnosticArea.Model, name, DiagnosticStatus.Fail,
                    $"'{modelPath}' is not a GGUF model: it starts with '{first}' instead of 'GGUF'", remedy);
            }

            string version = read >= 8 ? $" v{BitConverter.ToUInt32(head, 4)}" : string.Empty;
            return new FabstirDiagnostic(DiagnosticArea.Model, name, DiagnosticStatus.Pass,
                $"'{modelPath}' is GGUF{version}, {FormatSize(size)}");
        }

        public static async Task<FabstirDiagnostic> ModelHashAsync(
            string? modelPath,
            IModelHashSource? source,
            CancellationToken cancellationToken)
        {
            const string name = "Model hash";
            if (source == null)
            {
                return new FabstirDiagnostic(DiagnosticArea.Model, name, DiagnosticStatus.Skip,
                    "comparing the model's SHA-256 with the chain needs a chain profile");
            }

            if (string.IsNullOrWhiteSpace(modelPath) || !File.Exists(modelPath))
            {
                return new FabstirDiagnostic(DiagnosticArea.Model, name, DiagnosticStatus.Skip, "no model file to hash");
            }

            string? expected = await source.ExpectedSha256Async(modelPath!, cancellationToken).ConfigureAwait(false);
            if (expected == null)
            {
                return new FabstirDiagnostic(DiagnosticArea.Model, name, DiagnosticStatus.Warn,
                    $"the chain knows no model named '{Path.GetFileName(modelPath)}': clients will not be sent to it",
                    "Get-FabstirModel");
            }

            string actual = Sha256(modelPath!, cancellationToken);
            bool same = string.Equals(actual, expected.Replace("0x", string.Empty), StringComparison.OrdinalIgnoreCase);
            return same
                ? new FabstirDiagnostic(DiagnosticArea.Model, name, DiagnosticStatus.Pass, $"SHA-256 {actual} matches the chain")
                : new FabstirDiagnostic(DiagnosticArea.Model, name, DiagnosticStatus.Fail,
                    $"SHA-256 {actual} differs from the chain's {expected}: the file is damaged or another build",
                    "Test-FabstirModel");
        }

        public static FabstirDiagnostic NodeProcess(FabstirPaths paths, out NodeProcessFacts facts)
        {
            FabstirDiagnostic check = NodeProcess(paths, out NodeStateSnapshot? state, out ProcessIdentity? identity);
            facts = new NodeProcessFacts(
                identity?.IsNode == true ? state!.NodeProcessId : null,
                state != null && identity?.IsNode != true);
            return check;
        }

        private static FabstirDiagnostic NodeProcess(
            FabstirPaths paths,
            out NodeStateSnapshot? state,
            out ProcessIdentity? identity)
        {
            identity = null;
            const string name = "Node process";
            try
            {
                state = NodeStateSnapshot.TryRead(paths);
            }
            catch (FabstirException ex)
            {
                state = null;
                return new FabstirDiagnostic(DiagnosticArea.Process, name, DiagnosticStatus.Fail, ex.Message,
                    $"Move-Item '{paths.StateFile}' '{paths.StateFile}.damaged'");
            }

            if (state == null)
            {
                return new FabstirDiagnostic(DiagnosticArea.Process, name, DiagnosticStatus.Skip,
                    $"no state file at '{paths.StateFile}': no node was started by FabstirHost in this home");
            }

            identity = state.CheckProcess();
            if (!identity.IsNode)
            {
                string exit = state.LastExitCode == null ? string.Empty : $", last exit code {state.LastExitCode}";
                return new FabstirDiagnostic(DiagnosticArea.Process, name, DiagnosticStatus.Fail,
                    $"{identity.Problem} (state '{state.Status}'{exit})", StartNode);
            }

            string uptime = identity.StartTime == null ? "unknown" : FormatDuration(DateTime.UtcNow - identity.StartTime.Value);
            return new FabstirDiagnostic(DiagnosticArea.Process, name, DiagnosticStatus.Pass,
                $"'{identity.Name}' pid {state.NodeProcessId} matches the state file; up {uptime}, " +
                $"{state.RestartCount ?? 0} restart(s)");
        }

        /// <summary>
        /// Who listens on one of the node's ports. <paramref name="node"/> says what is known of the node:
        /// running with a verified id (any other holder is a conflict), recorded but not running
        /// (any holder blocks its start), or unknown (a holder that is not the node binary is suspect).
        /// </summary>
        public static FabstirDiagnostic Port(
            string label,
            int port,
            string protocol,
            IReadOnlyList<ListeningSocket> table,
            NodeProcessFacts node,
            string? freeingRemedy)
        {
            string name = $"{label} {port}/{protocol}";
            IReadOnlyList<ListeningSocket> sockets = SocketTable.On(table, port, protocol);
            if (sockets.Count == 0)
            {
                return new FabstirDiagnostic(DiagnosticArea.Ports, name, DiagnosticStatus.Fail,
                    $"nothing listens on {port}/{protocol}", StartNode);
            }

            string owners = string.Join(", ", sockets.Select(s => s.Owner).Distinct());
            string addresses = string.Join(", ", sockets.Select(s => s.Address.ToString()).Distinct());
            FabstirDiagnostic? conflict = Conflict(name, port, protocol, sockets, node, freeingRemedy);
            if (conflict != null)
            {
                return conflict;
            }

            if (sockets.All(s => s.LoopbackOnly))
            {
                return new FabstirDiagnostic(DiagnosticArea.Ports, name, DiagnosticStatus.Warn,
                    $"{owners} listens on {addresses} only: other machines cannot connect",
                    "Bind the service to 0.0.0.0 (the node does by itself), or serve it through a proxy on this machine");
            }

            string scope = sockets.Any(s => s.AllInterfaces) ? "all interfaces" : addresses;
            return new FabstirDiagnostic(DiagnosticArea.Ports, name, DiagnosticStatus.Pass,
                $"{owners} listens on {scope}");
        }

        private static FabstirDiagnostic? Conflict(
            string name,
            int port,
            string protocol,
            IReadOnlyList<ListeningSocket> sockets,
            NodeProcessFacts node,
            string? freeingRemedy)
        {
            string where = $"{port}/{protocol}";
            if (node.RunningProcessId != null)
            {
                ListeningSocket? stranger = sockets.FirstOrDefault(s => s.ProcessId != null && s.ProcessId != node.RunningProcessId);
                return stranger == null ? null : new FabstirDiagnostic(DiagnosticArea.Ports, name, DiagnosticStatus.Fail,
                    $"{where} is held by {stranger.Owner}, not by the node (pid {node.RunningProcessId})", freeingRemedy);
            }

            if (node.RecordedButStopped)
            {
                return new FabstirDiagnostic(DiagnosticArea.Ports, name, DiagnosticStatus.Fail,
                    $"{where} is held by {sockets[0].Owner} while the node is not running: the node cannot start " +
                    "until it is freed", freeingRemedy);
            }

            ListeningSocket? other = sockets.FirstOrDefault(
                s => s.ProcessName != null && s.ProcessName != NodeBinaryLocator.BinaryName);
            return other == null ? null : new FabstirDiagnostic(DiagnosticArea.Ports, name, DiagnosticStatus.Warn,
                $"{where} is held by {other.Owner}, which is not {NodeBinaryLocator.BinaryName}: if that is not " +
                "the node (in a container, for example), the node cannot start", freeingRemedy);
        }

        public static IEnumerable<FabstirDiagnostic> Ports(NodePorts ports, IReadOnlyList<ListeningSocket> table, NodeProcessFacts node)
        {
            yield return Port("API port", ports.ApiPort, "tcp", table, node,
                $"Stop the program holding it, or choose another: Set-FabstirHostConfig -ApiPort <port>");
            string p2pRemedy = "Stop the program holding it, or choose other P2P ports: Set-FabstirHostConfig -P2PPort <port>";
            yield return Port("P2P port", ports.P2PPort, "tcp", table, node, p2pRemedy);
            yield return Port("P2P port", ports.P2PPort + 1, "tcp", table, node, p2pRemedy);
            yield return Port("P2P QUIC port", ports.P2PPort + 2, "udp", table, node, p2pRemedy);
        }

        public static FabstirDiagnostic LocalHealth(FabstirEndpointResult local)
        {
            const string name = "Local health";
            if (!local.Reachable)
            {
                string? remedy = local.Failure == EndpointFailureKind.ConnectionRefused ? StartNode : "Restart-FabstirNode";
                return new FabstirDiagnostic(DiagnosticArea.Local, name, DiagnosticStatus.Fail,
                    $"{local.HealthUrl}: {local.FailureMessage}", remedy);
            }

            return new FabstirDiagnostic(DiagnosticArea.Local, name, DiagnosticStatus.Pass, Summary(local));
        }

        public static FabstirDiagnostic PublicUrl(Uri? url)
        {
            const string name = "Public URL";
            if (url == null)
            {
                return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Skip,
                    "no public URL is configured (PublicUrl)", "Set-FabstirHostConfig -PublicUrl 'https://<host name>'");
            }

            string? localOnly = UrlRules.LocalOnlyReason(url);
            if (localOnly != null)
            {
                return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Warn,
                    $"{url}: {localOnly}; clients elsewhere cannot reach it",
                    "Set-FabstirHostConfig -PublicUrl 'https://<public host name>'");
            }

            return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Pass,
                $"{url} (port {UrlRules.EffectivePort(url)})");
        }

        public static FabstirDiagnostic PublicAddress(FabstirEndpointResult result, IReadOnlyCollection<IPAddress> localAddresses)
        {
            const string name = "Public DNS";
            string host = result.Url.Host;
            if (result.Failure == EndpointFailureKind.NameNotResolved)
            {
                return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Fail, result.FailureMessage!,
                    $"Create an A record for '{host}' pointing at this machine's public address, then check it with: " +
                    $"nslookup {host}");
            }

            if (result.Addresses.Count == 0)
            {
                return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Skip, "the name was not resolved");
            }

            string list = string.Join(", ", UrlRules.Describe(result.Addresses));
            var foreign = result.Addresses.Where(a => !UrlRules.IsThisMachine(a, localAddresses)).ToList();
            if (foreign.Count > 0)
            {
                return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Warn,
                    $"'{host}' resolves to {list}, not an address of this machine: fine behind NAT port forwarding " +
                    $"or a proxy, which must forward port {result.Port} to this machine",
                    $"Forward TCP {result.Port} from {string.Join(", ", foreign)} to this machine's API port");
            }

            return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Pass,
                $"'{host}' resolves to {list}, this machine");
        }

        public static FabstirDiagnostic PublicReachable(FabstirEndpointResult result, int apiPort)
        {
            const string name = "Public reachability";
            if (result.Reachable)
            {
                return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Pass, Summary(result));
            }

            return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Fail,
                $"{result.HealthUrl}: {result.FailureMessage}", Troubleshooter.RemedyFor(result, apiPort));
        }

        /// <summary>
        /// Whether the public URL reaches this node and not another one. The <c>/v1/version</c> bodies
        /// must be identical; a stand-in node adds its name there, but real nodes of one build answer
        /// alike, so for them equality shows the same build, not the same machine.
        /// </summary>
        public static FabstirDiagnostic SameNode(FabstirEndpointResult local, FabstirEndpointResult remote)
        {
            const string name = "Same node";
            if (local.VersionBody == null || remote.VersionBody == null)
            {
                string missing = local.VersionBody == null ? "the local node" : "the public URL";
                return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Skip,
                    $"{missing} gave no /v1/version to compare");
            }

            JToken localVersion = JToken.Parse(local.VersionBody);
            JToken remoteVersion = JToken.Parse(remote.VersionBody);
            if (!JToken.DeepEquals(localVersion, remoteVersion))
            {
                return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Fail,
                    $"the public URL answers as {Identity(remoteVersion)}, but the local node is {Identity(localVersion)}: " +
                    "the URL reaches another node",
                    $"Point '{remote.Url.Host}' (its DNS record, or the proxy's upstream) at this machine's port {local.Port}");
            }

            string limitation = localVersion["standinNode"] == null
                ? "; nodes of one build answer alike, so another node of the same build cannot be ruled out"
                : string.Empty;
            return new FabstirDiagnostic(DiagnosticArea.Public, name, DiagnosticStatus.Pass,
                $"the public URL and the local port both answer as {Identity(localVersion)}{limitation}");
        }

        public static FabstirDiagnostic Firewall(FirewallReport report)
        {
            DiagnosticStatus status = report.PortsOpen == true ? DiagnosticStatus.Pass
                : report.PortsOpen == false ? DiagnosticStatus.Fail : DiagnosticStatus.Warn;
            return new FabstirDiagnostic(DiagnosticArea.Firewall, "Firewall", status, report.Detail, report.OpenCommand);
        }

        public static string Summary(FabstirEndpointResult result)
        {
            var parts = new List<string> { $"{result.StatusCode} {result.HealthStatus}" };
            if (result.HealthIssues.Count > 0)
            {
                parts.Add("issues: " + string.Join("; ", result.HealthIssues));
            }

            if (result.NodeVersion != null)
            {
                parts.Add("version " + result.NodeVersion);
            }

            parts.Add($"{result.Latency?.TotalMilliseconds:0} ms");
            return $"{result.HealthUrl} answers " + string.Join(", ", parts);
        }

        private static string Identity(JToken version)
        {
            string text = $"version {version["version"]} (build {version["build"]})";
            return version["standinNode"] == null ? text : $"node '{version["standinNode"]}', {text}";
        }

        private static string Sha256(string path, CancellationToken cancellationToken)
        {
            using (var sha = SHA256.Create())
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    sha.TransformBlock(buffer, 0, read, null, 0);
                }

                sha.TransformFinalBlock(buffer, 0, 0);
                return BitConverter.ToString(sha.Hash!).Replace("-", string.Empty).ToLowerInvariant();
            }
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

            return span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m" : $"{(int)span.TotalMinutes}m {span.Seconds}s";
        }
    }
}
