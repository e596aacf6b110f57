using System.Collections.Generic;
using System.Linq;
using static FabstirHost.Core.Network.FabstirDiagnostic;

namespace FabstirHost.Core.Network
{
    /// <summary>The checks of the node's ports and of the firewall in front of them.</summary>
    internal static partial class DiagnosticChecks
    {
        private const string FreeApiPort =
            "Stop the program holding it, or choose another: Set-FabstirHostConfig -ApiPort <port>";

        private const string FreeP2PPorts =
            "Stop the program holding it, or choose other P2P ports: Set-FabstirHostConfig -P2PPort <port>";

        public static IEnumerable<FabstirDiagnostic> Ports(
            NodePorts ports,
            IReadOnlyList<ListeningSocket> table,
            NodeProcessFacts node)
        {
            yield return Port("API port", ports.ApiPort, "tcp", table, node, FreeApiPort);
            yield return Port("P2P port", ports.P2PPort, "tcp", table, node, FreeP2PPorts);
            yield return Port("P2P port", ports.P2PPort + 1, "tcp", table, node, FreeP2PPorts);
            yield return Port("P2P QUIC port", ports.P2PPort + 2, "udp", table, node, FreeP2PPorts);
        }

        /// <summary>
        /// Who listens on one of the node's ports. <paramref name="node"/> says what is known of the
        /// node: running with a verified id (any other holder is a conflict), recorded but not
        /// running (any holder blocks its start), or unknown (a holder that is not the node binary is
        /// suspect).
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
            const string area = DiagnosticArea.Ports;
            IReadOnlyList<ListeningSocket> sockets = SocketTable.On(table, port, protocol);
            if (sockets.Count == 0)
            {
                return Fail(area, name, $"nothing listens on {port}/{protocol}", StartNode);
            }

            FabstirDiagnostic? conflict = Conflict(name, $"{port}/{protocol}", sockets, node, freeingRemedy);
            if (conflict != null)
            {
                return conflict;
            }

            string owners = string.Join(", ", sockets.Select(s => s.Owner).Distinct());
            string addresses = string.Join(", ", sockets.Select(s => s.Address.ToString()).Distinct());
            if (sockets.All(s => s.LoopbackOnly))
            {
                return Warn(area, name, $"{owners} listens on {addresses} only: other machines cannot connect",
                    "Bind the service to 0.0.0.0 (the node does by itself), or put a proxy here in front");
            }

            string scope = sockets.Any(s => s.AllInterfaces) ? "all interfaces" : addresses;
            return Pass(area, name, $"{owners} listens on {scope}");
        }

        public static FabstirDiagnostic Firewall(FirewallReport report)
        {
            DiagnosticStatus status = report.PortsOpen == true ? DiagnosticStatus.Pass
                : report.PortsOpen == false ? DiagnosticStatus.Fail : DiagnosticStatus.Warn;
            return new FabstirDiagnostic(
                DiagnosticArea.Firewall, "Firewall", status, report.Detail, report.OpenCommand);
        }

        private static FabstirDiagnostic? Conflict(
            string name,
            string where,
            IReadOnlyList<ListeningSocket> sockets,
            NodeProcessFacts node,
            string? freeingRemedy)
        {
            const string area = DiagnosticArea.Ports;
            int? nodeId = node.RunningProcessId;
            if (nodeId != null)
            {
                ListeningSocket? stranger = sockets.FirstOrDefault(
                    s => s.ProcessId != null && s.ProcessId != nodeId);
                return stranger == null
                    ? null
                    : Fail(area, name, $"{where} is held by {stranger.Owner}, not by the node (pid {nodeId})",
                        freeingRemedy);
            }

            if (node.RecordedButStopped)
            {
                return Fail(area, name,
                    $"{where} is held by {sockets[0].Owner} while the node is not running: the node cannot " +
                    "start until it is freed",
                    freeingRemedy);
            }

            ListeningSocket? other = sockets.FirstOrDefault(
                s => s.ProcessName != null && s.ProcessName != NodeBinaryLocator.BinaryName);
            return other == null
                ? null
                : Warn(area, name,
                    $"{where} is held by {other.Owner}, which is not {NodeBinaryLocator.BinaryName}: if that " +
                    "is not the node (in a container, for example), the node cannot start",
                    freeingRemedy);
        }
    }
}
