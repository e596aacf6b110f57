using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace FabstirHost.Core.Node
{
    /// <summary>Where a log line came from.</summary>
    public enum NodeLogStream
    {
        Stdout,
        Stderr,
        Supervisor,
        Unknown,
    }

    /// <summary>One line of the node log.</summary>
    public sealed class NodeLogLine
    {
        internal NodeLogLine(DateTime? time, NodeLogStream stream, string? level, string text)
        {
            Time = time;
            Stream = stream;
            Level = level;
            Text = text;
        }

        /// <summary>When the supervisor read the line (UTC).</summary>
        public DateTime? Time { get; }

        public NodeLogStream Stream { get; }

        /// <summary>The tracing level (ERROR, WARN, INFO, DEBUG, TRACE) when the line has one.</summary>
        public string? Level { get; }

        public string Text { get; }

        public override string ToString() => Text;
    }

    /// <summary>Reads the node log: the last lines, and new lines as they come, across rotations.</summary>
    public sealed class NodeLogReader
    {
        private static readonly Regex TracingLevel = new Regex(
            @"^\S+Z\s+(ERROR|WARN|INFO|DEBUG|TRACE)\s", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        private readonly string _directory;
        private readonly bool _raw;

        public NodeLogReader(string logDirectory, bool raw)
        {
            _directory = logDirectory;
            _raw = raw;
        }

        public string LivePath => NodeLogFormat.LiveFile(_directory);

        /// <summary>The live file's length now, where a follow should start after a tail.</summary>
        public long LiveLength()
        {
            var info = new FileInfo(LivePath);
            return info.Exists ? info.Length : 0;
        }

        /// <summary>The last <paramref name="count"/> lines, older rotated files included when needed.</summary>
        public IReadOnlyList<NodeLogLine> Tail(int count)
        {
            var lines = new List<string>();
            var files = new List<string> { LivePath };
            for (int generation = 1; File.Exists(NodeLogFormat.RotatedFile(_directory, generation)); generation++)
            {
                files.Add(NodeLogFormat.RotatedFile(_directory, generation));
            }

            foreach (string file in files)
            {
                List<string> fileLines = ReadLines(file);
                lines.InsertRange(0, fileLines);
                if (CountShown(lines) >= count)
                {
                    break;
                }
            }

            var result = new List<NodeLogLine>();
            foreach (string line in lines)
            {
                NodeLogLine? parsed = Parse(line);
                if (parsed != null)
                {
                    result.Add(parsed);
                }
            }

            return result.Count <= count ? result : result.GetRange(result.Count - count, count);
        }

        /// <summary>
        /// Calls <paramref name="onLine"/> for each line added from now on until
        /// cancelled, following rotations (a rotated file ends with a <c>rot</c> line) and restarts.
        /// </summary>
        public async Task FollowAsync(Action<NodeLogLine> onLine, long startOffset, CancellationToken cancel)
        {
            long? offset = startOffset;
            FileStream? file = null;
            var pending = new StringBuilder();
            var buffer = new byte[64 * 1024];
            Decoder decoder = new UTF8Encoding(false).GetDecoder();
            var chars = new char[buffer.Length + 1];
            try
            {
                while (!cancel.IsCancellationRequested)
                {
                    if (file == null)
                    {
                        file = TryOpen(LivePath);
                        if (file == null)
                        {
                            await Task.Delay(200, cancel).ConfigureAwait(false);
                            continue;
                        }

                        // Start where the tail ended, or at the end if the file was replaced since.
                        long length = file.Length;
                        file.Seek(offset.HasValue && offset.Value <= length ? offset.Value : length, SeekOrigin.Begin);
                        offset = null;
                    }

                    int read = file.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        await Task.Delay(100, cancel).ConfigureAwait(false);
                        continue;
                    }

                    pending.Append(chars, 0, decoder.GetChars(buffer, 0, read, chars, 0));
                    string? nextSegment = EmitWholeLines(pending, onLine);
                    if (nextSegment != null)
                    {
                        // The file was rotated: go on with the file that continues it, from its start.
                        file.Dispose();
                        file = null;
                        decoder.Reset();
                        while (file == null && !cancel.IsCancellationRequested)
                        {
                            file = OpenSegment(nextSegment);
                            if (file == null)
                            {
                                await Task.Delay(50, cancel).ConfigureAwait(false);
                            }
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
            }
            finally
            {
                file?.Dispose();
            }
        }

        /// <summary>Emits the complete lines; at a rotation line, returns the next segment's id.</summary>
        private string? EmitWholeLines(StringBuilder pending, Action<NodeLogLine> onLine)
        {
            string text = pending.ToString();
            int start = 0;
            int end;
            while ((end = text.IndexOf('\n', start)) >= 0)
            {
                string line = text.Substring(start, end - start);
                start = end + 1;
                if (NodeLogFormat.TryParse(line, out _, out string tag, out string segment)
                    && tag == NodeLogFormat.RotatedTag)
                {
                    pending.Clear();
                    return segment;
                }

                NodeLogLine? parsed = Parse(line);
                if (parsed != null)
                {
                    onLine(parsed);
                }
            }

            pending.Remove(0, start);
            return null;
        }

        /// <summary>
        /// The file that starts with the given segment header: the live file, or an older one when
        /// the follower fell behind. When retention has already deleted it, the oldest file left.
        /// </summary>
        private FileStream? OpenSegment(string segment)
        {
            string? oldest = null;
            for (int generation = 0; ; generation++)
            {
                string path = generation == 0 ? LivePath : NodeLogFormat.RotatedFile(_directory, generation);
                if (!File.Exists(path))
                {
                    break;
                }

                oldest = path;
                if (FirstLine(path) is string first
                    && NodeLogFormat.TryParse(first, out _, out string tag, out string text)
                    && tag == NodeLogFormat.SegmentTag && text == segment)
                {
                    return TryOpen(path);
                }
            }

            return oldest == null ? null : TryOpen(oldest);
        }

        private static string? FirstLine(string path)
        {
            using (FileStream? file = TryOpen(path))
            {
                if (file == null)
                {
                    return null;
                }

                using (var reader = new StreamReader(file, new UTF8Encoding(false)))
                {
                    return reader.ReadLine();
                }
            }
        }

        private static bool IsMarkerLine(string line)
        {
            return NodeLogFormat.TryParse(line, out _, out string tag, out _)
                && (tag == NodeLogFormat.RotatedTag || tag == NodeLogFormat.SegmentTag);
        }

        private NodeLogLine? Parse(string line)
        {
            if (!NodeLogFormat.TryParse(line, out DateTime time, out string tag, out string text))
            {
                return line.Length == 0 ? null : new NodeLogLine(null, NodeLogStream.Unknown, null, Clean(line));
            }

            NodeLogStream stream;
            switch (tag)
            {
                case NodeLogFormat.StdoutTag:
                    stream = NodeLogStream.Stdout;
                    break;
                case NodeLogFormat.StderrTag:
                    stream = NodeLogStream.Stderr;
                    break;
                case NodeLogFormat.SupervisorTag:
                    stream = NodeLogStream.Supervisor;
                    break;
                case NodeLogFormat.RotatedTag:
                case NodeLogFormat.SegmentTag:
                    return null;
                default:
                    stream = NodeLogStream.Unknown;
                    break;
            }

            string plain = AnsiText.Strip(text);
            Match level = TracingLevel.Match(plain);
            return new NodeLogLine(time, stream, level.Success ? level.Groups[1].Value : null, _raw ? text : plain);
        }

        private string Clean(string text) => _raw ? text : AnsiText.Strip(text);

        private static int CountShown(List<string> lines)
        {
            int count = 0;
            foreach (string line in lines)
            {
                if (!IsMarkerLine(line))
                {
                    count++;
                }
            }

            return count;
        }

        private static List<string> ReadLines(string path)
        {
            var lines = new List<string>();
            FileStream? file = TryOpen(path);
            if (file == null)
            {
                return lines;
            }

            using (var reader = new StreamReader(file, new UTF8Encoding(false)))
            {
                string? line;
                while ((line = reader.ReadLine()) != null)
                {
                    lines.Add(line);
                }
            }

            return lines;
        }

        private static FileStream? TryOpen(string path)
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (DirectoryNotFoundException)
            {
                return null;
            }
        }
    }
}
