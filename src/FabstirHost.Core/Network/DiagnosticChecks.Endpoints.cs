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
                return Warn(area, name, $"{url}: {localOnly}; clients elsewhere cannot reach it",
                    "Set-FabstirHostConfig -PublicUrl 'https://<public host name>'");
            }

            return Pass(area, name, $"{url} (port {UrlRules.EffectivePort(url)})");
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
        /// Whether the public URL reaches this node and not another one. The <c>/v1/version</c> bodies
        /// must be identical; a stand-in node adds its name there, but real nodes of one build answer
        /// alike, so for them equality shows the same build, not the same machine.
        /// </summary>
        public static FabstirDiagnostic SameNode(FabstirEndpointResult local, FabstirEndpointResult remote)
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
            if (!JToken.DeepEquals(mine, theirs))
            {
                return Fail(area, name,
                    $"the public URL answers as {Identity(theirs)}, but the local node is {Identity(mine)}: " +
                    "the URL reaches another node",
                    $"Point '{remote.Url.Host}' (its DNS record, or the proxy's upstream) at this machine's " +
                    $"port {local.Port}");
            }

            string limitation = mine["standinNode"] == null
                ? "; nodes of one build answer alike, so another node of the same build cannot be ruled out"
                : string.Empty;
            return Pass(area, name,
                $"the public URL and the local port both answer as {Identity(mine)}{limitation}");
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
    }
}
