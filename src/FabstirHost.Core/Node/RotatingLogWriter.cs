using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Appends tagged lines to <c>node.log</c> and rotates it by size. Rotation happens only between
    /// whole lines, after a last <c>rot</c> line, so no line is torn or lost and a follower knows
    /// when to reopen. Safe to call from the two stream readers at once.
    /// </summary>
    public sealed class RotatingLogWriter : IDisposable
    {
        private static readonly UTF8Encoding Utf8NoBom = new UTF8Encoding(false);

        private readonly object _gate = new object();
        private readonly string _directory;
        private readonly long _maxBytes;
        private readonly int _keepFiles;
        private FileStream _file;
        private StreamWriter _writer;
        private long _size;

        public RotatingLogWriter(string directory, long maxBytes, int keepFiles)
        {
            _directory = directory;
            _maxBytes = Math.Max(4096, maxBytes);
            _keepFiles = Math.Max(1, keepFiles);
            SecureFile.CreatePrivateDirectory(directory);
            (_file, _writer) = Open();
            _size = _file.Length;
        }

        public string LivePath => NodeLogFormat.LiveFile(_directory);

        /// <summary>Number of lines written since this writer was opened.</summary>
        public long LinesWritten { get; private set; }

        public void WriteLines(string tag, IReadOnlyList<string> lines)
        {
            if (lines.Count == 0)
            {
                return;
            }

            lock (_gate)
            {
                DateTime now = DateTime.UtcNow;
                foreach (string text in lines)
                {
                    WriteOne(NodeLogFormat.Format(now, tag, text));
                }

                _writer.Flush();
            }
        }

        public void WriteLine(string tag, string text)
        {
            WriteLines(tag, new[] { text });
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _writer.Dispose();
            }
        }

        private void WriteOne(string line)
        {
            long bytes = Utf8NoBom.GetByteCount(line) + 1;
            if (_size > 0 && _size + bytes > _maxBytes)
            {
                Rotate();
            }

            _writer.Write(line);
            _writer.Write('\n');
            _size += bytes;
            LinesWritten++;
        }

        private void Rotate()
        {
            string segment = Guid.NewGuid().ToString("N");
            DateTime now = DateTime.UtcNow;
            _writer.Write(NodeLogFormat.Format(now, NodeLogFormat.RotatedTag, segment));
            _writer.Write('\n');
            _writer.Dispose();

            SecureFile.TryDelete(NodeLogFormat.RotatedFile(_directory, _keepFiles));
            for (int generation = _keepFiles - 1; generation >= 1; generation--)
            {
                string older = NodeLogFormat.RotatedFile(_directory, generation);
                if (File.Exists(older))
                {
                    File.Move(older, NodeLogFormat.RotatedFile(_directory, generation + 1));
                }
            }

            File.Move(LivePath, NodeLogFormat.RotatedFile(_directory, 1));
            (_file, _writer) = Open();
            string header = NodeLogFormat.Format(now, NodeLogFormat.SegmentTag, segment);
            _writer.Write(header);
            _writer.Write('\n');
            _size = Utf8NoBom.GetByteCount(header) + 1;
        }

        private (FileStream, StreamWriter) Open()
        {
            bool existed = File.Exists(LivePath);
            var file = new FileStream(
                LivePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            if (!existed)
            {
                SecureFile.SetUnixMode(LivePath, 0x180);
            }

            return (file, new StreamWriter(file, Utf8NoBom, 64 * 1024));
        }
    }
}
