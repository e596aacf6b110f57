using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FabstirHost.Core;
using FabstirHost.Core.Network;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Tests whether Fabstir node URLs are reachable, as clients would reach them.</para>
    /// <para type="description">Resolves each URL's host, connects, completes TLS for https and asks the node's /health below the URL's path (https://gw/x/node1 is asked at https://gw/x/node1/health), then /v1/version. Returns $true or $false per URL, with the reason in the verbose stream; -Detailed returns a FabstirEndpointResult with the HTTP status, health status and issues, node version, latency, resolved addresses, certificate, and the kind of failure. Many URLs are probed concurrently. A warning is written for URLs only this machine or its network can reach.</para>
    /// </summary>
    /// <example>
    /// <code>Test-FabstirEndpoint https://node.example.com</code>
    /// <para>Returns $true when a Fabstir node answers at https://node.example.com/health over a trusted connection.</para>
    /// </example>
    /// <example>
    /// <code>Test-FabstirEndpoint https://gw.example.com/x/node1, http://203.0.113.7:8080 -Detailed -TimeoutSec 3</code>
    /// <para>Probes both URLs at once and shows, for each, the status, health, node version, latency and the kind of failure.</para>
    /// </example>
    /// <example>
    /// <code>Get-Content urls.txt | Test-FabstirEndpoint -Detailed | Where-Object { -not $_.Reachable } | Select-Object Url, Failure, FailureMessage</code>
    /// <para>Lists the URLs of a fleet that clients cannot reach, and why.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "FabstirEndpoint")]
    [OutputType(typeof(bool), typeof(FabstirEndpointResult))]
    public sealed class TestFabstirEndpointCommand : FabstirCmdlet
    {
        private readonly List<Uri> _urls = new List<Uri>();

        /// <summary>
        /// <para type="description">The node URLs: http:// or https://, with an optional port and path. Objects with a Url, PublicUrl or LocalUrl property (a registration result, Get-FabstirNode) can be piped in.</para>
        /// </summary>
        [Parameter(
            Mandatory = true,
            Position = 0,
            ValueFromPipeline = true,
            ValueFromPipelineByPropertyName = true)]
        [Alias("PublicUrl", "LocalUrl")]
        [ValidateNotNullOrEmpty]
        public string[] Url { get; set; } = Array.Empty<string>();

        /// <summary>
        /// <para type="description">Seconds allowed for each URL: name resolution, connection, TLS and the health request together. Default 5.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary>
        /// <para type="description">Returns a FabstirEndpointResult per URL instead of $true or $false.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Detailed { get; set; }

        /// <summary>
        /// <para type="description">How many URLs are probed at the same time. Default 128.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = EndpointProbe.DefaultMaxParallel;

        protected override void ProcessRecord()
        {
            foreach (string text in Url)
            {
                try
                {
                    _urls.Add(UrlRules.Parse(text));
                }
                catch (FabstirException ex)
                {
                    WriteFabstirError(ex);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_urls.Count == 0)
            {
                return;
            }

            TimeSpan timeout = TimeSpan.FromSeconds(TimeoutSec);
            int atOnce = Math.Min(ThrottleLimit, _urls.Count);
            WriteVerbose($"Probing {_urls.Count} URL(s), {atOnce} at a time, {TimeoutSec} s each.");
            IReadOnlyList<FabstirEndpointResult> results = Run(
                token => EndpointProbe.ProbeManyAsync(_urls, timeout, ThrottleLimit, Log, token));
            WarnAboutLocalOnly(results.Where(r => r.IsLocalOnly).ToList());
            foreach (FabstirEndpointResult result in results)
            {
                Report(result);
            }
        }

        // One warning per URL is useful for a few URLs and noise for a fleet: past a handful they
        // are summed up in one line, and each URL's reason stays in its result.
        private void WarnAboutLocalOnly(IReadOnlyList<FabstirEndpointResult> localOnly)
        {
            const int individually = 3;
            if (localOnly.Count > individually)
            {
                WriteWarning($"{localOnly.Count} of the URLs can only be reached from this machine or its " +
                    $"local network (first: '{localOnly[0].Url}', {localOnly[0].LocalOnlyReason}). Clients " +
                    "of the marketplace cannot use them; -Detailed shows IsLocalOnly for each.");
                return;
            }

            foreach (FabstirEndpointResult result in localOnly)
            {
                WriteWarning($"'{result.Url}' can only be reached from this machine or its local network: " +
                    $"{result.LocalOnlyReason}. Clients of the marketplace cannot use it.");
            }
        }

        private void Report(FabstirEndpointResult result)
        {
            WriteVerbose(result.Reachable
                ? $"{result.Url}: reachable, {DescribeHealth(result)}."
                : $"{result.Url}: not reachable ({result.Failure}): {result.FailureMessage}.");
            WriteObject(Detailed.IsPresent ? result : (object)result.Reachable);
        }

        private static string DescribeHealth(FabstirEndpointResult result)
        {
            string version = result.NodeVersion == null ? string.Empty : $", node {result.NodeVersion}";
            return $"health '{result.HealthStatus}'{version}, {result.Latency?.TotalMilliseconds:0} ms";
        }
    }
}
