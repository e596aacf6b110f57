using System.Text;

namespace FabstirHost.StandInNode
{
    /// <summary>
    /// Writes the node's output the way the Rust binary does: <c>println!</c> to stdout,
    /// <c>eprintln!</c> to stderr, tracing lines to stdout with ANSI colours. Rust's stdout is
    /// line-buffered even when piped and its stderr is unbuffered, so every line here reaches the
    /// pipe as one write the moment it is complete.
    /// </summary>
    internal static class Transcript
    {
        private const string Dim = "\u001b[2m";
        private const string Reset = "\u001b[0m";

        private static readonly object Gate = new();
        private static readonly Stream StandardOutput = Console.OpenStandardOutput();
        private static readonly Stream StandardError = Console.OpenStandardError();

        public static RustLogFilter Filter { get; set; } = RustLogFilter.Parse(null);

        public static bool SplitMarkers { get; set; }

        /// <summary>A <c>println!</c> line; embedded newlines are written as the Rust source has them.</summary>
        public static void Out(string text) => Write(StandardOutput, text + "\n");

        /// <summary>An <c>eprintln!</c> line or llama.cpp loader noise.</summary>
        public static void Err(string text) => Write(StandardError, text + "\n");

        /// <summary>
        /// A stdout line that holds one of the readiness markers. With the split-markers scenario it
        /// arrives in two writes 50 ms apart, cut inside <paramref name="marker"/>, so a reader that
        /// does not reassemble lines misses it.
        /// </summary>
        public static void MarkerLine(string text, string marker)
        {
            if (!SplitMarkers)
            {
                Out(text);
                return;
            }

            int cut = text.IndexOf(marker, StringComparison.Ordinal) + marker.Length / 2;
            Write(StandardOutput, text[..cut]);
            Thread.Sleep(50);
            Write(StandardOutput, text[cut..] + "\n");
        }

        /// <summary>A tracing line, dropped when RUST_LOG filters it out.</summary>
        public static void Trace(TraceLevel level, string target, string message)
        {
            if (Filter.Enables(level, target))
            {
                Write(StandardOutput, FormatTrace(level, target, message) + "\n");
            }
        }

        /// <summary>A tracing-formatted line that ignores RUST_LOG, for the flood scenario's accounting.</summary>
        public static void UnfilteredTrace(bool toStandardError, string target, string message)
        {
            string line = FormatTrace(TraceLevel.Info, target, message) + "\n";
            Write(toStandardError ? StandardError : StandardOutput, line);
        }

        /// <summary>
        /// tracing-subscriber's default format with ANSI on: dimmed RFC 3339 timestamp with
        /// microseconds, the level right-aligned to five characters in its colour, the dimmed target
        /// and colon, then the message.
        /// </summary>
        public static string FormatTrace(TraceLevel level, string target, string message)
        {
            string timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
            (string name, string colour) = level switch
            {
                TraceLevel.Error => ("ERROR", "\u001b[31m"),
                TraceLevel.Warn => (" WARN", "\u001b[33m"),
                TraceLevel.Info => (" INFO", "\u001b[32m"),
                TraceLevel.Debug => ("DEBUG", "\u001b[34m"),
                _ => ("TRACE", "\u001b[35m"),
            };
            return $"{Dim}{timestamp}{Reset} {colour}{name}{Reset} {Dim}{target}{Reset}{Dim}:{Reset} {message}";
        }

        private static void Write(Stream stream, string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            lock (Gate)
            {
                try
                {
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush();
                }
                catch (IOException)
                {
                    // A closed pipe: the real node would get EPIPE and carry on (SIGPIPE is ignored
                    // by Rust programs), so the stand-in does too.
                }
            }
        }
    }
}
