using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain.HostManagement
{
    /// <summary>
    /// One local chain for the host-management tests, which run one class after another; each
    /// test deploys its own NodeRegistry, so they do not see each other's hosts.
    /// </summary>
    [CollectionDefinition(Name)]
    public sealed class HostChainCollection : ICollectionFixture<LocalChain>
    {
        public const string Name = "Host management chain";
    }
}
