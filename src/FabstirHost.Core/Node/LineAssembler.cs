using System.Collections.Generic;
using System.Text;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Turns chunks of a stream, as they arrive from reads, into whole lines. A line split across
    /// reads is held back until its end arrives; CRLF and LF both end a line.
    /// </summary>
    public sealed class LineAssembler
    {
        private readonly StringBuilder _partial = new StringBuilder();

        /// <summary>Adds a chunk and returns the lines it completed, without their line ends.</summary>
        public IReadOnlyList<string> Append(string chunk)
        {
            var lines = new List<string>();
            int start = 0;
            for (int i = 0; i < chunk.Length; i++)
            {
                if (chunk[i] != '\n')
                {
                    continue;
                }

                _partial.Append(chunk, start, i - start);
                lines.Add(TakePartial());
                start = i + 1;
            }

            _partial.Append(chunk, start, chunk.Length - start);
            return lines;
        }

        /// <summary>The unterminated rest at the end of the stream, or null when there is none.</summary>
        public string? Flush()
        {
            return _partial.Length == 0 ? null : TakePartial();
        }

        private string TakePartial()
        {
            int length = _partial.Length;
            if (length > 0 && _partial[length - 1] == '\r')
            {
                length--;
            }

            string line = _partial.ToString(0, length);
            _partial.Clear();
            return line;
        }
    }
}
