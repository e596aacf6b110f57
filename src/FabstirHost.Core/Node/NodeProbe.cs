using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Node
{
    /// <summary>What the node's local HTTP API said.</summary>
    public sealed class NodeProbeResult
    {
        internal NodeProbeResult(int? statusCode, string? status, string? error)
        {
            StatusCode = statusCode;
            Status = status;
            Error = error;
        }

        /// <summary>The HTTP status code, or null when nothing answered.</summary>
        public int? StatusCode { get; }

        /// <summary>The body's <c>status</c> (health) or <c>version</c> field.</summary>
        public string? Status { get; }

        public string? Error { get; }

        public bool Ok => StatusCode == 200;
    }

    /// <summary>Asks the node's local HTTP API for its health and version.</summary>
    public static class NodeProbe
    {
        private static readonly Lazy<HttpClient> Client = new Lazy<HttpClient>(() =>
            new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan });

        public static string LocalUrl(int apiPort) => $"http://127.0.0.1:{apiPort}";

        public static Task<NodeProbeResult> HealthAsync(int apiPort, TimeSpan timeout, CancellationToken cancel)
        {
            return GetFieldAsync(LocalUrl(apiPort) + "/health", "status", timeout, cancel);
        }

        public static Task<NodeProbeResult> VersionAsync(int apiPort, TimeSpan timeout, CancellationToken cancel)
        {
            return GetFieldAsync(LocalUrl(apiPort) + "/v1/version", "version", timeout, cancel);
        }

        private static async Task<NodeProbeResult> GetFieldAsync(
            string url, string field, TimeSpan timeout, CancellationToken cancel)
        {
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                deadline.CancelAfter(timeout);
                try
                {
                    Task<HttpResponseMessage> request = Client.Value.GetAsync(url, deadline.Token);
                    using (HttpResponseMessage response = await request.ConfigureAwait(false))
                    {
                        string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                        return new NodeProbeResult((int)response.StatusCode, ReadField(body, field), null);
                    }
                }
                catch (HttpRequestException ex)
                {
                    return new NodeProbeResult(null, null, ex.InnerException?.Message ?? ex.Message);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    return new NodeProbeResult(null, null, $"no answer within {timeout.TotalSeconds:0.#} s");
                }
            }
        }

        private static string? ReadField(string body, string field)
        {
            try
            {
                return JObject.Parse(body)[field]?.ToString();
            }
            catch (Newtonsoft.Json.JsonException)
            {
                return null;
            }
        }
    }
}
