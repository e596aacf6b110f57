using System.Diagnostics;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>A real process that idles until disposed (killed), to stand for some process id.</summary>
    public sealed class IdleProcess : IDisposable
    {
        public IdleProcess()
        {
            Process = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        }

        public Process Process { get; }

        public int Id => Process.Id;

        public DateTime StartTimeUtc => Process.StartTime.ToUniversalTime();

        /// <summary>Kills the process and waits until it is gone, leaving its id unused.</summary>
        public void Kill()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            Process.Dispose();
        }
    }
}
