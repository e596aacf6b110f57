using System.Diagnostics;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;

namespace FabstirHost.TestChain
{
    /// <summary>
    /// One anvil process on a free loopback port with Base Sepolia's chain id. Started, polled until
    /// it answers JSON-RPC, and killed (with its process tree) on dispose.
    /// </summary>
    public sealed class AnvilProcess : IDisposable
    {
        public const long ChainId = 84532;

        private readonly Process _process;

        private AnvilProcess(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public int ProcessId => _process.Id;

        public string RpcUrl => $"http://127.0.0.1:{Port}";

        public static async Task<AnvilProcess> StartAsync(
            string anvilPath,
            CancellationToken cancellationToken = default)
        {
            // Another process can take a port between our probe and anvil's bind: retry a few times.
            for (int attempt = 1; ; attempt++)
            {
                int port = FreeTcpPort();
                var process = Start(anvilPath, port);
                var anvil = new AnvilProcess(process, port);
                try
                {
                    await anvil.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(15), cancellationToken);
                    return anvil;
                }
                catch (InvalidOperationException) when (attempt < 3 && process.HasExited)
                {
                    anvil.Dispose();
                }
                catch
                {
                    anvil.Dispose();
                    throw;
                }
            }
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }

        private static Process Start(string anvilPath, int port)
        {
            var start = new ProcessStartInfo(anvilPath)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add("--chain-id");
            start.ArgumentList.Add(ChainId.ToString());
            start.ArgumentList.Add("--port");
            start.ArgumentList.Add(port.ToString());
            start.ArgumentList.Add("--silent");

            var process = Process.Start(start) ??
                throw new InvalidOperationException($"Could not start '{anvilPath}'.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            const string request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
            var deadline = DateTime.UtcNow + timeout;
            int delay = 10;
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException(
                        $"anvil exited with code {_process.ExitCode} before answering.");
                }

                try
                {
                    using var content = new StringContent(request, Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync(RpcUrl, content, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException(
                        $"anvil did not answer at {RpcUrl} within {timeout.TotalSeconds} s.");
                }

                await Task.Delay(delay, cancellationToken);
                delay = Math.Min(delay * 2, 100);
            }
        }

        private static int FreeTcpPort()
        {
            var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}
