using FabstirHost.Core.Config;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>A throw-away FabstirHost home folder, deleted when the test ends.</summary>
    public sealed class TempHome : IDisposable
    {
        public TempHome()
        {
            Path = Directory.CreateTempSubdirectory("fabstir-home-").FullName;
            Paths = new FabstirPaths(Path);
        }

        public string Path { get; }

        public FabstirPaths Paths { get; }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
