using System.Text.RegularExpressions;

namespace FabstirHost.Core.Node
{
    /// <summary>Removes terminal escape sequences; the node colours its tracing lines even in pipes.</summary>
    public static class AnsiText
    {
        // CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
        private static readonly Regex Escape = new Regex(
            @"\x1B\[[0-?]*[ -/]*[@-~]|\x1B\][^\x07\x1B]*(?:\x07|\x1B\\)|\x1B[@-Z\\-_]",
            RegexOptions.Compiled | RegexOptions.CultureInvariant);

        public static string Strip(string text)
        {
            return text.IndexOf('\x1B') < 0 ? text : Escape.Replace(text, string.Empty);
        }
    }
}
