using System.Management.Automation;
using System.Security;
using FabstirHost.Commands;
using FabstirHost.Core.Config;

namespace FabstirHost
{
    /// <summary>
    /// Base of the cmdlets that start a node: they hand the host key to the node as
    /// HOST_PRIVATE_KEY, found in the order every command uses.
    /// </summary>
    public abstract class FabstirNodeKeyCmdlet : FabstirCmdlet
    {
        /// <summary>The host's private key for HOST_PRIVATE_KEY. Defaults to FABSTIR_HOST_PRIVATE_KEY, then HOST_PRIVATE_KEY, then the keystore.</summary>
        [Parameter]
        public SecureString? PrivateKey { get; set; }

        /// <summary>The password of the module's keystore; else -KeystorePasswordFile, FABSTIR_KEYSTORE_PASSWORD or a prompt.</summary>
        [Parameter]
        public SecureString? KeystorePassword { get; set; }

        /// <summary>A file whose first line is the keystore password, for unattended runs.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeystorePasswordFile { get; set; }

        /// <summary>The key for the node of the instance at <paramref name="paths"/>, or null when there is none.</summary>
        protected SecureString? ResolveNodeKey(FabstirPaths paths)
        {
            KeyRequest request = NodeCommandSupport.KeyRequestFor(this, PrivateKey, KeystorePassword, KeystorePasswordFile);
            return Invoke(() => NodeCommandSupport.ResolveKey(paths, request, WriteVerbose));
        }
    }
}
