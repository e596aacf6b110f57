using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Node
{
    public sealed class NodeLogTests
    {
        [Fact]
        public void Rotation_happens_between_whole_lines_and_loses_none()
        {
            using var home = new TempHome();
            string directory = home.Paths.LogDirectory;
            using (var writer = new RotatingLogWriter(directory, maxBytes: 8192, keepFiles: 50))
            {
                for (int i = 0; i < 2000; i++)
                {
                    writer.WriteLines(i % 2 == 0 ? "out" : "err", new[] { $"line {i} " + new string('x', i % 37) });
                }
            }

            var files = Directory.GetFiles(directory, "node*.log");
            Assert.True(files.Length > 5, "the log should have rotated several times");
            var numbers = new List<int>();
            foreach (string file in files)
            {
                string[] lines = File.ReadAllLines(file);
                Assert.True(new FileInfo(file).Length <= 8192 + 200, $"{file} is over the limit");
                foreach (string line in lines)
                {
                    Assert.True(NodeLogFormat.TryParse(line, out _, out string tag, out string text), $"torn line: {line}");
                    if (tag == NodeLogFormat.RotatedTag)
                    {
                        Assert.Equal(lines[^1], line);
                        continue;
                    }

                    if (tag == NodeLogFormat.SegmentTag)
                    {
                        Assert.Equal(lines[0], line);
                        continue;
                    }

                    numbers.Add(int.Parse(text.Split(' ')[1]));
                }
            }

            numbers.Sort();
            Assert.Equal(Enumerable.Range(0, 2000), numbers);
        }

        [Fact]
        public void Only_the_configured_number_of_old_files_is_kept()
        {
            using var home = new TempHome();
            using (var writer = new RotatingLogWriter(home.Paths.LogDirectory, maxBytes: 4096, keepFiles: 2))
            {
                for (int i = 0; i < 1000; i++)
                {
                    writer.WriteLine("out", "line " + i);
                }
            }

            Assert.Equal(3, Directory.GetFiles(home.Paths.LogDirectory, "node*.log").Length);
        }

        [Fact]
        public void Tail_parses_time_stream_and_level_and_strips_colour_unless_raw()
        {
            using var home = new TempHome();
            string colored = "\u001b[2m2026-07-18T10:00:00.123456Z\u001b[0m \u001b[33m WARN\u001b[0m node: hot";
            using (var writer = new RotatingLogWriter(home.Paths.LogDirectory, 1 << 20, 3))
            {
                writer.WriteLine("out", "first");
                writer.WriteLine("err", colored);
                writer.WriteLine("sup", "the node exited with code 1");
            }

            IReadOnlyList<NodeLogLine> lines = new NodeLogReader(home.Paths.LogDirectory, raw: false).Tail(2);
            Assert.Equal(2, lines.Count);
            Assert.Equal(NodeLogStream.Stderr, lines[0].Stream);
            Assert.Equal("WARN", lines[0].Level);
            Assert.Equal("2026-07-18T10:00:00.123456Z  WARN node: hot", lines[0].Text);
            Assert.True((DateTime.UtcNow - lines[0].Time!.Value).Duration() < TimeSpan.FromMinutes(1));
            Assert.Equal(NodeLogStream.Supervisor, lines[1].Stream);
            Assert.Null(lines[1].Level);

            NodeLogLine raw = new NodeLogReader(home.Paths.LogDirectory, raw: true).Tail(2)[0];
            Assert.Equal(colored, raw.Text);
        }

        [Fact]
        public void Tail_reaches_into_rotated_files_in_order()
        {
            using var home = new TempHome();
            using (var writer = new RotatingLogWriter(home.Paths.LogDirectory, maxBytes: 4096, keepFiles: 10))
            {
                for (int i = 0; i < 500; i++)
                {
                    writer.WriteLine("out", "line " + i);
                }
            }

            IReadOnlyList<NodeLogLine> lines = new NodeLogReader(home.Paths.LogDirectory, raw: false).Tail(300);
            Assert.Equal(Enumerable.Range(200, 300).Select(i => "line " + i), lines.Select(l => l.Text));
        }

        [Fact]
        public async Task Follow_sees_every_new_line_across_rotations()
        {
            using var home = new TempHome();
            using var writer = new RotatingLogWriter(home.Paths.LogDirectory, maxBytes: 4096, keepFiles: 100);
            writer.WriteLine("out", "before");
            var reader = new NodeLogReader(home.Paths.LogDirectory, raw: false);
            var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using var cancel = new CancellationTokenSource();
            Task follow = reader.FollowAsync(line => seen.Enqueue(line.Text), reader.LiveLength(), cancel.Token);

            for (int i = 0; i < 1500; i++)
            {
                writer.WriteLine(i % 2 == 0 ? "out" : "err", "line " + i);
                if (i % 100 == 0)
                {
                    await Task.Yield();
                }
            }

            await Eventually.Assert(() => seen.Count >= 1500, TimeSpan.FromSeconds(10), "all lines followed");
            cancel.Cancel();
            await follow;
            Assert.Equal(Enumerable.Range(0, 1500).Select(i => "line " + i), seen);
        }
    }
}
