using System;
using System.Collections.Generic;
using System.Linq;
using FabstirHost.Core.Chain.Registration;
using FabstirHost.Core.Network;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// The refusal of a public URL that does not answer, shared by registration and Set-FabstirHost
    /// so that both explain it the same way before anything is sent.
    /// </summary>
    internal static class PublicUrlCheck
    {
        /// <summary>
        /// The failure with the checks that explain it, in the order to try them: the node itself
        /// (unless DNS or TLS failed before it), what the troubleshooter finds for this kind of
        /// failure (listeners, firewall, NAT, DNS, TLS), the interfaces the port listens on (when
        /// nothing accepted the connection), and the URL from outside. Each failing check is also a
        /// warning, so it shows while the command is still running.
        /// </summary>
        /// <param name="result">The probe of the public URL that failed.</param>
        /// <param name="apiPort">The node's API port, for the listener and firewall checks.</param>
        /// <param name="p2pPort">The first P2P port; null means the API port + 1.</param>
        /// <param name="afterNothingSent">A sentence on what else happened; null when nothing did.</param>
        /// <param name="log">Where each failing check is also written as a warning.</param>
        public static FabstirException Unreachable(
            FabstirEndpointResult result,
            int apiPort,
            int? p2pPort,
            string? afterNothingSent,
            IOperationLog log)
        {
            IReadOnlyList<FabstirDiagnostic> failing = Troubleshooter.ForFailure(result, apiPort, p2pPort)
                .Where(c => c.Status != DiagnosticStatus.Pass)
                .ToList();
            foreach (FabstirDiagnostic check in failing)
            {
                log.Warning(check.Remedy == null ? check.ToString() : $"{check} Remedy: {check.Remedy}");
            }

            var steps = new List<string>();
            if (NodeMayBeTheCause(result))
            {
                steps.Add($"On this machine: curl -s http://127.0.0.1:{apiPort}/health (the node itself).");
            }

            steps.AddRange(failing.Select(c =>
                $"{c.Area}/{c.Name}: {c.Detail}" + (c.Remedy == null ? "" : $" -> {c.Remedy}")));
            if (NothingAnsweredTheConnection(result))
            {
                steps.Add($"The port must listen on all interfaces (0.0.0.0:{apiPort}), not only on " +
                    $"127.0.0.1: ss -ltn 'sport = :{apiPort}'.");
            }

            steps.Add($"From another machine: curl -s {result.HealthUrl}");
            string numbered = string.Join(Environment.NewLine, steps.Select((s, i) => $"  {i + 1}. {s}"));
            string more = afterNothingSent == null ? string.Empty : " " + afterNothingSent;
            return new FabstirException(
                RegistrationErrors.PublicUrlUnreachable,
                FabstirErrorCategory.ConnectionError,
                $"The public URL does not answer: {result.HealthUrl}: {result.FailureMessage} Nothing was " +
                $"sent.{more} Check, in order:" + Environment.NewLine + numbered,
                result.HealthUrl.ToString())
            {
                RecommendedAction = "Fix the first failing check above, then run the same command again.",
            };
        }

        /// <summary>
        /// False when the failure lies before the node could be involved (the name did not resolve,
        /// or not in time) or in front of it (the TLS server): asking the node would only distract.
        /// </summary>
        private static bool NodeMayBeTheCause(FabstirEndpointResult result)
        {
            return NameResolved(result) && result.Failure != EndpointFailureKind.TlsFailure;
        }

        private static bool NameResolved(FabstirEndpointResult result)
        {
            return result.Failure != EndpointFailureKind.NameNotResolved && result.Addresses.Count > 0;
        }

        /// <summary>
        /// True when no program accepted the connection: then a node bound to loopback only is one
        /// of the explanations. A connection that was accepted shows the port is open.
        /// </summary>
        private static bool NothingAnsweredTheConnection(FabstirEndpointResult result)
        {
            switch (result.Failure)
            {
                case EndpointFailureKind.ConnectionRefused:
                case EndpointFailureKind.NetworkError:
                    return true;
                case EndpointFailureKind.TimedOut:
                    return NameResolved(result) && result.ConnectedAddress == null;
                default:
                    return false;
            }
        }
    }
}
