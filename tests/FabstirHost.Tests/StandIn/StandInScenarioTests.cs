using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using FabstirHost.Tests.Infrastructure;
using Xunit;
using static FabstirHost.Tests.StandIn.StandInNodeFacts;

namespace FabstirHost.Tests.StandIn
{
    /// <summary>The output-shaping scenarios a launcher's log reader is tested against.</summary>
    public sealed class StandInScenarioTests
    {
        [Fact]
        public async Task FloodLinesCanAllBeAccountedFor()
        {
            using var node = new StandInProcess(Env(
                ("FABSTIR_STANDIN_FLOOD_LINES_PER_SEC", "500"),
                ("FABSTIR_STANDIN_FLOOD_SECONDS", "2")));
            await node.WaitForLineAsync("flood done 1000", StartupTimeout, OutputStream.Stdout);
            node.SendSignal(StandInProcess.SigInt);
            Assert.Equal(0, await node.WaitForExitAsync(ExitTimeout));

            int[] odd = FloodNumbers(node.Stdout);
            int[] even = FloodNumbers(node.Stderr);

            Assert.Equal(Enumerable.Range(0, 500).Select(i => 2 * i + 1), odd);
            Assert.Equal(Enumerable.Range(1, 500).Select(i => 2 * i), even);
            Assert.Contains(node.Stdout, l => l.Contains("\u001b[32m INFO\u001b[0m") && l.EndsWith(" flood 1"));
        }

        [Fact]
        public async Task SplitMarkersArriveInTwoWritesAndReassembleIntoWholeLines()
        {
            string folder = Directory.CreateTempSubdirectory("fabstir-split-").FullName;
            var start = new ProcessStartInfo(TestAssets.StandInNode)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["MODEL_PATH"] = StandInProcess.CreateModelFile(folder);
            start.Environment["API_PORT"] = FreePort.Tcp().ToString();
            start.Environment["P2P_PORT"] = FreePort.Range(3).ToString();
            start.Environment["FABSTIR_STANDIN_SPLIT_MARKERS"] = "1";
            using Process process = Process.Start(start)!;
            _ = process.StandardError.ReadToEndAsync();
            try
            {
                List<string> chunks = await ReadChunksUntilAsync(process.StandardOutput.BaseStream, "Press Ctrl+C");
                Assert.True(chunks.Count > 0);
                string whole = string.Concat(chunks);

                string[] markers = { ModelLoadedMarker, P2PStartedMarker, ApiStartedMarker, RunningMarker };
                foreach (string marker in markers)
                {
                    Assert.Contains(chunks, c => SplitsMarker(c, marker));
                    Assert.Contains(whole.Split('\n'), l => l.Contains(marker));
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
                Directory.Delete(folder, recursive: true);
            }
        }

        /// <summary>True when the chunk ends inside the marker: its tail is a proper prefix of it.</summary>
        private static bool SplitsMarker(string chunk, string marker)
        {
            string tail = chunk.Split('\n')[^1];
            for (int length = 1; length < marker.Length; length++)
            {
                if (tail.EndsWith(marker[..length], StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Reads the pipe on a dedicated thread with blocking reads, so each write the stand-in makes
        /// is seen as it lands rather than coalesced by a busy thread pool.
        /// </summary>
        private static Task<List<string>> ReadChunksUntilAsync(Stream stream, string end)
        {
            var done = new TaskCompletionSource<List<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
            var reader = new Thread(() =>
            {
                var chunks = new List<string>();
                var bytes = new List<byte>();
                var buffer = new byte[65536];
                while (!Encoding.UTF8.GetString(bytes.ToArray()).Contains(end))
                {
                    int read = stream.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        break;
                    }

                    chunks.Add(Encoding.UTF8.GetString(buffer, 0, read));
                    bytes.AddRange(buffer.AsSpan(0, read).ToArray());
                }

                done.TrySetResult(chunks);
            }) { IsBackground = true };
            reader.Start();
            return done.Task.WaitAsync(StartupTimeout);
        }

        private static int[] FloodNumbers(IEnumerable<string> lines) => lines
            .Select(l => Regex.Match(l, @" flood (\d+)$"))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value))
            .ToArray();
    }
}
