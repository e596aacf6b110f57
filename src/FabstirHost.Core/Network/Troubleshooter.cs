using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using static FabstirHost.Core.Network.FabstirDiagnostic;

namespace FabstirHost.Core.Network
{
    /// <summary>
    /// Picks the checks that explain one failed probe, for a caller that just met it (registration
    /// checking its public URL): a refused connection leads to who listens on the port and the
    /// firewall, a name that does not resolve to DNS, a TLS failure to the certificate, a timeout to
    /// the firewall and NAT. Nothing is fixed; each check carries its remedy.
    /// </summary>
    public sealed class Troubleshooter
    {
        private readonly ICommandRunner _commands;
        private readonly Func<IReadOnlyList<ListeningSocket>> _sockets;
        private readonly Func<IReadOnlyCollection<IPAddress>> _localAddresses;

        public Troubleshooter(ICommandRunner commands)
            : this(commands, SocketTable.Read, UrlRules.LocalAddresses)
        {
        }

        internal Troubleshooter(
            ICommandRunner commands,
            Func<IReadOnlyList<ListeningSocket>> sockets,
            Func<IReadOnlyCollection<IPAddress>> localAddresses)
        {
            _commands = commands;
            _sockets = sockets;
            _localAddresses = localAddresses;
        }

        /// <summary>The checks relevant to <paramref name="failure"/>, looking at this machine now.</summary>
        public static IReadOnlyList<FabstirDiagnostic> ForFailure(
            FabstirEndpointResult failure,
            int apiPort,
            int? p2pPort = null)
        {
            return new Troubleshooter(ProcessCommandRunner.Instance).Diagnose(failure, apiPort, p2pPort);
        }

        /// <summary>
        /// The failure itself first, then what explains it. Empty when the endpoint was reachable.
        /// <paramref name="apiPort"/> is the port the node listens on here (the URL may use another,
        /// behind a proxy); <paramref name="p2pPort"/> defaults to the API port + 1.
        /// </summary>
        public IReadOnlyList<FabstirDiagnostic> Diagnose(
            FabstirEndpointResult failure,
            int apiPort,
            int? p2pPort = null)
        {
            if (failure.Reachable)
            {
                return Array.Empty<FabstirDiagnostic>();
            }

            var ports = new NodePorts(apiPort, p2pPort ?? apiPort + 1);
            var found = new List<FabstirDiagnostic>
            {
                Fail(DiagnosticArea.Public, "Endpoint", $"{failure.HealthUrl}: {failure.FailureMessage}",
                    RemedyFor(failure, apiPort)),
            };

            switch (failure.Failure)
            {
                case EndpointFailureKind.NameNotResolved:
                    found.Add(DiagnosticChecks.PublicAddress(failure, _localAddresses()));
                    break;
                case EndpointFailureKind.ConnectionRefused:
                    found.AddRange(ListenerChecks(failure, ports));
                    found.Add(FirewallCheck(ports));
                    break;
                case EndpointFailureKind.TimedOut when failure.ConnectedAddress != null:
                    // Something accepted the connection and kept quiet: who holds the port matters.
                    found.AddRange(ListenerChecks(failure, ports));
                    break;
                case EndpointFailureKind.TimedOut:
                case EndpointFailureKind.NetworkError:
                    found.Add(FirewallCheck(ports));
                    found.Add(NatCheck(failure));
                    break;
                case EndpointFailureKind.TlsFailure:
                    found.Add(CertificateCheck(failure));
                    break;
                case EndpointFailureKind.HttpError:
                case EndpointFailureKind.NotFabstirNode:
                    found.AddRange(ListenerChecks(failure, ports));
                    break;
            }

            return found;
        }

        /// <summary>The one command or action most likely to fix this failure.</summary>
        internal static string RemedyFor(FabstirEndpointResult failure, int apiPort)
        {
            string host = failure.Url.Host;
            int port = failure.Port;
            switch (failure.Failure)
            {
                case EndpointFailureKind.NameNotResolved:
                    return $"Create an A record for '{host}' pointing at this machine's public address; " +
                        $"check with: nslookup {host}";
                case EndpointFailureKind.ConnectionRefused:
                    return $"Start the node (Start-FabstirNode) and open TCP {port} in the firewall; " +
                        "see Get-FabstirDiagnostics";
                case EndpointFailureKind.TimedOut when failure.ConnectedAddress != null:
                    return $"Find what holds port {port} and stop it, or restart the node: Restart-FabstirNode";
                case EndpointFailureKind.TimedOut:
                    return $"Allow TCP {port} in the firewall and forward it through any NAT to this " +
                        $"machine's port {apiPort}";
                case EndpointFailureKind.TlsFailure when failure.Certificate == null:
                    return $"The port does not speak TLS: use http://{failure.Url.Authority}, or put a TLS " +
                        "proxy in front";
                case EndpointFailureKind.TlsFailure:
                    return CertificateRemedy(failure);
                case EndpointFailureKind.HttpError:
                    return $"Make the proxy in front forward '{failure.Url.AbsolutePath}' to " +
                        $"http://127.0.0.1:{apiPort}";
                case EndpointFailureKind.NotFabstirNode:
                    return $"Check the URL's path, and that port {port} reaches the node (API port {apiPort})";
                default:
                    return $"Check the route to {host}: Test-NetConnection {host} -Port {port} (Windows) " +
                        $"or nc -vz {host} {port}";
            }
        }

        private IEnumerable<FabstirDiagnostic> ListenerChecks(FabstirEndpointResult failure, NodePorts ports)
        {
            IReadOnlyList<ListeningSocket> sockets = _sockets();
            IReadOnlyCollection<IPAddress> local = _localAddresses();
            bool urlIsHere = failure.Addresses.Count > 0
                && failure.Addresses.All(a => UrlRules.IsThisMachine(a, local));
            NodeProcessFacts unknown = NodeProcessFacts.Unknown;
            if (urlIsHere && failure.Port != ports.ApiPort)
            {
                yield return DiagnosticChecks.Port("URL port", failure.Port, "tcp", sockets, unknown, null);
            }

            yield return DiagnosticChecks.Port("API port", ports.ApiPort, "tcp", sockets, unknown, null);
        }

        private FabstirDiagnostic FirewallCheck(NodePorts ports)
        {
            return DiagnosticChecks.Firewall(new FirewallInspector(_commands).Inspect(ports));
        }

        private static FabstirDiagnostic NatCheck(FabstirEndpointResult failure)
        {
            string target = $"{failure.Url.Host}:{failure.Port}";
            return Warn(DiagnosticArea.Public, "NAT and provider firewall",
                $"packets to {target} get no answer at all: typical of a router or cloud NAT without port " +
                "forwarding, or of a provider firewall (security group) dropping them",
                $"Forward TCP {failure.Port} to this machine and allow it in the provider's firewall");
        }

        private static FabstirDiagnostic CertificateCheck(FabstirEndpointResult failure)
        {
            const string name = "Certificate";
            EndpointCertificate? certificate = failure.Certificate;
            if (certificate == null)
            {
                return Fail(DiagnosticArea.Public, name,
                    $"no TLS handshake with {failure.Url.Authority}: {failure.FailureMessage}",
                    RemedyFor(failure, failure.Port));
            }

            return Fail(DiagnosticArea.Public, name,
                $"{certificate.Subject}, issued by {certificate.Issuer}, expires " +
                $"{certificate.NotAfter:yyyy-MM-dd}: {certificate.Problem}",
                CertificateRemedy(failure));
        }

        private static string CertificateRemedy(FabstirEndpointResult failure)
        {
            string host = failure.Url.Host;
            if (failure.Certificate!.NotAfter < DateTime.UtcNow)
            {
                return "Renew the certificate of the TLS server in front of the node " +
                    "(Let's Encrypt: sudo certbot renew)";
            }

            return $"Serve a certificate for '{host}' from a public authority " +
                $"(Let's Encrypt: sudo certbot certonly -d {host})";
        }
    }
}
