using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using Newtonsoft.Json.Linq;
using static FabstirHost.Core.Network.FabstirDiagnostic;

namespace FabstirHost.Core.Network
{
    /// <summary>The checks of the local health endpoint and of the public URL.</summary>
    internal static partial class DiagnosticChecks
    {
        public static FabstirDiagnostic LocalHealth(FabstirEndpointResult local)
        {
            const string name = "Local health";
            if (!local.Reachable)
            {
                string remedy = local.Failure == EndpointFailureKind.ConnectionRefused
                    ? StartNode
                    : "Restart-FabstirNode";
                return Fail(DiagnosticArea.Local, name, $"{local.HealthUrl}: {local.FailureMessage}", remedy);
            }

            return Pass(DiagnosticArea.Local, name, Summary(local));
        }

        public static FabstirDiagnostic PublicUrl(Uri? url)
        {
            const string name = "Public URL";
            const string area = DiagnosticArea.Public;
            if (url == null)
            {
                return Skip(area, name, "no public URL is configured (PublicUrl)",
                    "Set-FabstirHostConfig -PublicUrl 'https://<host name>'");
            }

            string? localOnly = UrlRules.LocalOnlyReason(url);
            if (localOnly != null)
            {
                return Warn(area, name, $"{UrlRules.Redact(url)}: {localOnly}; clients elsewhere cannot reach it",
                    "Set-FabstirHostConfig -PublicUrl 'https://<public host name>'");
            }

            return Pass(area, name, $"{UrlRules.Redact(url)} (port {UrlRules.EffectivePort(url)})");
        }

        public static FabstirDiagnostic PublicAddress(
            FabstirEndpointResult result,
            IReadOnlyCollection<IPAddress> localAddresses)
        {
            const string name = "Public DNS";
            const string area = DiagnosticArea.Public;
            string host = result.Url.Host;
            if (result.Failure == EndpointFailureKind.NameNotResolved)
            {
                return Fail(area, name, result.FailureMessage!,
                    $"Create an A record for '{host}' pointing at this machine's public address, then check " +
                    $"it with: nslookup {host}");
            }

            if (result.Addresses.Count == 0)
            {
                return Skip(area, name, "the name was not resolved");
            }

            string list = string.Join(", ", UrlRules.Describe(result.Addresses));
            var foreign = result.Addresses.Where(a => !UrlRules.IsThisMachine(a, localAddresses)).ToList();
            if (foreign.Count > 0)
            {
                return Warn(area, name,
                    $"'{host}' resolves to {list}, not an address of this machine: fine behind NAT port " +
                    $"forwarding or a proxy, which must forward port {result.Port} to this machine",
                    $"Forward TCP {result.Port} from {string.Join(", ", foreign)} to this machine's API port");
            }

            return Pass(area, name, $"'{host}' resolves to {list}, this machine");
        }

        public static FabstirDiagnostic PublicReachable(FabstirEndpointResult result, int apiPort)
        {
            const string name = "Public reachability";
            if (result.Reachable)
            {
                return Pass(DiagnosticArea.Public, name, Summary(result));
            }

            return Fail(DiagnosticArea.Public, name, $"{result.HealthUrl}: {result.FailureMessage}",
                Troubleshooter.RemedyFor(result, apiPort));
        }

        /// <summary>
        /// Whether the public URL reaches this node and not another one, from the version reports
        /// only: a stand-in node adds its name there, but real nodes of one build answer alike.
        /// </summary>
        public static FabstirDiagnostic SameNode(FabstirEndpointResult local, FabstirEndpointResult remote)
        {
            return SameNode(local, remote, Array.Empty<ListeningSocket>(), Array.Empty<IPAddress>());
        }

        /// <summary>
        /// Whether the public URL reaches this node and not another one. The <c>/v1/version</c> bodies
        /// must be identical. Nodes of one build answer alike, so when both probes connected to this
        /// machine the processes listening where they connected must be the same one too; otherwise
        /// (NAT, a proxy) equal reports show the same build, not the same machine.
        /// </summary>
        public static FabstirDiagnostic SameNode(
            FabstirEndpointResult local,
            FabstirEndpointResult remote,
            IReadOnlyList<ListeningSocket> sockets,
            IReadOnlyCollection<IPAddress> localAddresses)
        {
            const string name = "Same node";
            const string area = DiagnosticArea.Public;
            if (local.VersionBody == null || remote.VersionBody == null)
            {
                string missing = local.VersionBody == null ? "the local node" : "the public URL";
                return Skip(area, name, $"{missing} gave no /v1/version to compare");
            }

            JToken mine = JToken.Parse(local.VersionBody);
            JToken theirs = JToken.Parse(remote.VersionBody);
            string remedy = $"Point '{remote.Url.Host}' (its DNS record, or the proxy's upstream) at this " +
                $"machine's port {local.Port}";
            if (!JToken.DeepEquals(mine, theirs))
            {
                return Fail(area, name,
                    $"the public URL answers as {Identity(theirs)}, but the local node is {Identity(mine)}: " +
                    "the URL reaches another node",
                    remedy);
            }

            ListeningSocket? here = Listener(local, sockets, localAddresses);
            ListeningSocket? there = Listener(remote, sockets, localAddresses);
            if (here != null && there != null && here.ProcessId == there.ProcessId)
            {
                return Pass(area, name,
                    $"the public URL and the local port both reach {here.Owner}, answering as {Identity(mine)}");
            }

            // Another node binary is certainly another node; any other program there (a TLS proxy,
            // docker-proxy) forwards to a node that may be this one.
            if (here != null && there?.ProcessName == NodeBinaryLocator.BinaryName)
            {
                return Fail(area, name,
                    $"the public URL reaches {there!.Owner} on {remote.ConnectedAddress}:{remote.Port}, but " +
                    $"the local node is {here.Owner}: the URL reaches another node of the same build on " +
                    "this machine",
                    remedy);
            }

            return Pass(area, name,
                $"the public URL and the local port both answer as {Identity(mine)}{Limitation(mine, there)}");
        }

        /// <summary>What equal version reports leave open, when nothing else told the nodes apart.</summary>
        private static string Limitation(JToken version, ListeningSocket? there)
        {
            return there != null && there.ProcessName != NodeBinaryLocator.BinaryName
                ? $"; the URL reaches {there.Owner}, which forwards to a node of this build, this one or another"
                : "; nodes of one build answer alike, so another node of the same build cannot be ruled out";
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

        /// <summary>
        /// The socket of this machine that a probe's connection reached, with a known process; null
        /// when the probe connected elsewhere or the owner cannot be told. A socket bound to the
        /// address itself takes the connection before one bound to all interfaces.
        /// </summary>
        private static ListeningSocket? Listener(
            FabstirEndpointResult result,
            IReadOnlyList<ListeningSocket> sockets,
            IReadOnlyCollection<IPAddress> localAddresses)
        {
            IPAddress? address = result.ConnectedAddress;
            if (address == null || !UrlRules.IsThisMachine(address, localAddresses))
            {
                return null;
            }

            IReadOnlyList<ListeningSocket> onPort = SocketTable.On(sockets, result.Port, "tcp");
            List<ListeningSocket> exact = onPort.Where(s => s.Address.Equals(address)).ToList();
            List<ListeningSocket> reached = exact.Count > 0 ? exact : onPort.Where(s => s.AllInterfaces).ToList();
            List<int?> owners = reached.Select(s => s.ProcessId).Distinct().ToList();
            return owners.Count == 1 && owners[0] != null ? reached[0] : null;
        }

        private static string Identity(JToken version)
        {
            return $"version {version["version"]} (build {version["build"]})";
        }
    }
}
