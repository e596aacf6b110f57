using System;

namespace FabstirHost.Core.Config
{
    /// <summary>The module's keystore as a command reports it: whose key it holds and where it is.</summary>
    public sealed class FabstirKeystore
    {
        internal FabstirKeystore(string address, string path, DateTime written)
        {
            Address = address;
            Path = path;
            Written = written;
        }

        /// <summary>The address of the encrypted key.</summary>
        public string Address { get; }

        public string Path { get; }

        public DateTime Written { get; }

        public override string ToString() => Address;

        /// <summary>Describes the keystore of a home folder, reading only its plain address field.</summary>
        public static FabstirKeystore Read(FabstirPaths paths)
        {
            return new FabstirKeystore(
                HostKeyStore.ReadAddress(paths),
                paths.KeystoreFile,
                System.IO.File.GetLastWriteTimeUtc(paths.KeystoreFile));
        }
    }
}
