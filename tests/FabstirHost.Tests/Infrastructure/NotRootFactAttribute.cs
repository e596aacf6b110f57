using Xunit;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>
    /// A fact about file permissions, which root does not obey; reported as skipped when the tests
    /// run as root rather than passing without having checked anything.
    /// </summary>
    public sealed class NotRootFactAttribute : FactAttribute
    {
        public NotRootFactAttribute()
        {
            if (RunningAsRoot())
            {
                Skip = "root reads and writes every file whatever its permissions; run as another user";
            }
        }

        private static bool RunningAsRoot()
        {
            // "Uid:" lists the real, effective, saved and file-system ids; the effective one decides.
            string? uids = File.ReadLines("/proc/self/status")
                .FirstOrDefault(line => line.StartsWith("Uid:", StringComparison.Ordinal));
            string[] fields = uids?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? [];
            return fields.Length > 2 && fields[2] == "0";
        }
    }
}
