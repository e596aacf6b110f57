using System;
using Nethereum.Signer;

namespace FabstirHost.Core.Config
{
    /// <summary>Where a host key came from, in the order they are tried.</summary>
    public enum KeySource
    {
        /// <summary>The -PrivateKey parameter.</summary>
        Parameter,

        /// <summary>FABSTIR_HOST_PRIVATE_KEY.</summary>
        FabstirEnvironment,

        /// <summary>HOST_PRIVATE_KEY, the node's own variable.</summary>
        NodeEnvironment,

        /// <summary>The module's encrypted keystore.</summary>
        Keystore,
    }

    /// <summary>
    /// An unlocked host key: signs transactions and knows its address. It never prints the key:
    /// ToString gives the address. Dispose it as soon as the command is done with it.
    /// </summary>
    public sealed class HostKey : IDisposable
    {
        private EthECKey? _key;

        internal HostKey(EthECKey key, KeySource source)
        {
            _key = key;
            Source = source;
            Address = key.GetPublicAddress();
        }

        /// <summary>The checksummed address of the key.</summary>
        public string Address { get; }

        public KeySource Source { get; }

        internal EthECKey EcKey => _key ?? throw new ObjectDisposedException(nameof(HostKey));

        public void Dispose()
        {
            // EthECKey keeps the scalar in an immutable BigInteger that cannot be wiped; dropping the
            // only reference is the best a managed key allows.
            _key = null;
        }

        public override string ToString() => $"{Address} ({Source})";
    }
}
