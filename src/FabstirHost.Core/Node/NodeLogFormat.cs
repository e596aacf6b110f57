using System;
using System.Globalization;
using System.IO;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// The node log's line format: <c>2026-07-18T10:00:00.123Z out text</c>. The time is when the
    /// supervisor read the line (UTC, milliseconds); the tag is <c>out</c> or <c>err</c> for the
    /// node's streams, <c>sup</c> for the supervisor's own notes (exits, restarts), and <c>rot</c>
    /// for the last line of a rotated file and <c>seg</c> for the first line of the file that
    /// continues it; both carry the same identifier, so a follower that fell behind by several
    /// rotations finds the right next file.
    /// The text is kept as the node wrote it, colour codes included.
    /// </summary>
    public static class NodeLogFormat
    {
        public const string FileName = "node.log";
        public const string StdoutTag = "out";
        public const string StderrTag = "err";
        public const string SupervisorTag = "sup";
        public const string RotatedTag = "rot";
        public const string SegmentTag = "seg";

        private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        private const int TimeLength = 24;

        public static string LiveFile(string logDirectory) => Path.Combine(logDirectory, FileName);

        /// <summary>The n-th older file; 1 is the most recent rotation.</summary>
        public static string RotatedFile(string logDirectory, int generation) =>
            Path.Combine(logDirectory, $"node.{generation}.log");

        public static string Tag(NodeStream stream) => stream == NodeStream.Stdout ? StdoutTag : StderrTag;

        public static string Format(DateTime utc, string tag, string text)
        {
            return utc.ToString(TimeFormat, CultureInfo.InvariantCulture) + " " + tag + " " + text;
        }

        /// <summary>Splits a log line into time, tag and text; false for a line of another shape.</summary>
        public static bool TryParse(string line, out DateTime utc, out string tag, out string text)
        {
            utc = default;
            tag = string.Empty;
            text = line;
            if (line.Length < TimeLength + 4 || line[TimeLength] != ' ' || line[TimeLength + 4] != ' ')
            {
                return false;
            }

            if (!DateTime.TryParseExact(
                line.Substring(0, TimeLength),
                TimeFormat,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
                out utc))
            {
                return false;
            }

            tag = line.Substring(TimeLength + 1, 3);
            text = line.Substring(TimeLength + 5);
            return true;
        }
    }
}
