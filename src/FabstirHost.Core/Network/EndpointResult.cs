using System;
using System.Collections.Generic;
using System.Net;

namespace FabstirHost.Core.Network
{
    /// <summary>Why a node URL could not be used, in the order a connection meets the failures.</summary>
    public enum EndpointFailureKind
    {
        /// <summary>The node answered its health endpoint with 200 over a trusted connection.</summary>
        None,

        NameNotResolved,

        ConnectionRefused,

        TimedOut,

        TlsFailure,

        HttpError,

        NotFabstirNode,

        /// <summary>Any other network error: unreachable network or host, connection reset.</summary>
        NetworkError,
    }

    /// <summary>The certificate an https endpoint presented, and what a client would think of it.</summary>
    public sealed class EndpointCertificate
    {
        internal EndpointCertificate(
            string subject,
            string issuer,
            DateTime notBefore,
            DateTime notAfter,
            string thumbprint,
            bool isValid,
            string? problem)
        {
            Subject = subject;
            Issuer = issuer;
            NotBefore = notBefore;
            NotAfter = notAfter;
            Thumbprint = thumbprint;
            IsValid = isValid;
            Problem = problem;
        }

        public string Subject { get; }

        public string Issuer { get; }

        public DateTime NotBefore { get; }

        /// <summary>The expiry, in UTC.</summary>
        public DateTime NotAfter { get; }

        public string Thumbprint { get; }

        /// <summary>True when the chain is trusted, the name matches and the dates are current.</summary>
        public bool IsValid { get; }

        /// <summary>What is wrong with the certificate, in one line, or null when nothing is.</summary>
        public string? Problem { get; }

        public override string ToString()
        {
            return IsValid ? $"valid until {NotAfter:yyyy-MM-dd}, issued by {Issuer}" : $"invalid: {Problem}";
        }
    }

    /// <summary>
    /// What probing one node URL found: whether clients can reach the node there, what it said about
    /// itself, and when it could not be reached, the kind of failure with a one-line explanation.
    /// </summary>
    public sealed class FabstirEndpointResult
    {
        internal FabstirEndpointResult(Uri url)
        {
            // The probe sends no credentials, and results are shown and logged: a password stays out.
            Url = UrlRules.WithoutCredentials(url);
            HealthUrl = UrlRules.HealthUrl(Url);
            Port = UrlRules.EffectivePort(url);
            LocalOnlyReason = UrlRules.LocalOnlyReason(url);
        }

        /// <summary>
        /// The URL as probed (the node's base URL, path included), with a user part before the host
        /// shown as <c>…</c>.
        /// </summary>
        public Uri Url { get; }

        public Uri HealthUrl { get; }

        /// <summary>The port the URL means (explicit, or the scheme's default).</summary>
        public int Port { get; }

        public bool Reachable { get; internal set; }

        /// <summary>HTTP status of the health endpoint, when an HTTP answer came.</summary>
        public int? StatusCode { get; internal set; }

        /// <summary>The <c>status</c> field of the health body (today's node says <c>degraded</c>).</summary>
        public string? HealthStatus { get; internal set; }

        public IReadOnlyList<string> HealthIssues { get; internal set; } = Array.Empty<string>();

        /// <summary>The <c>version</c> field of <c>/v1/version</c>, when that endpoint answers.</summary>
        public string? NodeVersion { get; internal set; }

        /// <summary>The raw <c>/v1/version</c> body, for comparing two views of a node.</summary>
        public string? VersionBody { get; internal set; }

        /// <summary>From the start of the health request (connecting included) to its whole answer.</summary>
        public TimeSpan? Latency { get; internal set; }

        /// <summary>The addresses the host name resolved to (the address itself for an IP URL).</summary>
        public IReadOnlyList<IPAddress> Addresses { get; internal set; } = Array.Empty<IPAddress>();

        /// <summary>The address the connection was made to.</summary>
        public IPAddress? ConnectedAddress { get; internal set; }

        /// <summary>True when only this machine or its local network can reach the URL.</summary>
        public bool IsLocalOnly => LocalOnlyReason != null;

        public string? LocalOnlyReason { get; internal set; }

        public EndpointCertificate? Certificate { get; internal set; }

        public EndpointFailureKind Failure { get; internal set; }

        /// <summary>One line saying what failed and what it usually means; null when reachable.</summary>
        public string? FailureMessage { get; internal set; }

        public DateTime CheckedAt { get; internal set; } = DateTime.UtcNow;

        public override string ToString()
        {
            return Reachable ? $"{Url} reachable ({HealthStatus})" : $"{Url} unreachable: {FailureMessage}";
        }
    }
}
