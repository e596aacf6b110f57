using FabstirHost.Core;
using FabstirHost.Core.Config;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Config
{
    public sealed class FabstirPathsTests
    {
        [Fact]
        public void A_file_where_the_home_folder_should_be_is_reported_with_its_path()
        {
            using var temp = new TempHome();
            string file = Path.Combine(temp.Path, "home-is-a-file");
            File.WriteAllText(file, "x");

            var error = Assert.Throws<FabstirException>(() => new FabstirPaths(file).EnsureCreated());

            Assert.Equal("HomeNotUsable", error.ErrorId);
            Assert.Equal(FabstirErrorCategory.ResourceUnavailable, error.Category);
            Assert.Equal(file, error.Target);
            Assert.Contains("FABSTIR_HOME", error.Message);
            Assert.Equal("x", File.ReadAllText(file));
        }
    }
}
