using System;
using System.Management.Automation;
using System.Security;
using FabstirHost.Core;
using FabstirHost.Core.Config;

namespace FabstirHost
{
    /// <summary>
    /// Base of New- and Import-FabstirWallet: the keystore password parameters, the overwrite rule,
    /// ShouldProcess, and the encrypted write.
    /// </summary>
    public abstract class FabstirKeystoreWriterCmdlet : FabstirCmdlet
    {
        /// <summary>
        /// <para type="description">The password that encrypts the keystore. Default: -KeystorePasswordFile, then FABSTIR_KEYSTORE_PASSWORD, then a prompt (twice) when interactive.</para>
        /// </summary>
        [Parameter]
        public SecureString? KeystorePassword { get; set; }

        /// <summary>
        /// <para type="description">A file holding the keystore password (a final line break is ignored).</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeystorePasswordFile { get; set; }

        /// <summary>
        /// <para type="description">Replaces an existing keystore. Its key is lost unless it is backed up elsewhere.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// Encrypts the key <paramref name="obtainKey"/> gives into the keystore; null under -WhatIf.
        /// </summary>
        protected FabstirKeystore? WriteKeystore(Func<HostKey> obtainKey, string action)
        {
            if (HostKeyStore.Exists(Paths) && !Force)
            {
                // Checked before the key and password are asked for, so nobody types a secret for nothing.
                ThrowFabstirError(new FabstirException(
                    HostKeyStore.ExistsErrorId,
                    FabstirErrorCategory.ResourceExists,
                    $"A keystore already exists at '{Paths.KeystoreFile}'. Use -Force to replace it; its " +
                    "key is lost unless it is backed up.",
                    Paths.KeystoreFile));
            }

            using (HostKey key = Invoke(obtainKey))
            {
                if (!ShouldProcess($"{Paths.KeystoreFile} (address {key.Address})", action))
                {
                    return null;
                }

                SecureString password = Invoke(ResolveNewPassword);
                Invoke(() =>
                {
                    HostKeyStore.Save(Paths, key, password, Force);
                    return true;
                });
                WriteVerbose($"Wrote the encrypted keystore for {key.Address} to '{Paths.KeystoreFile}'.");
                return Invoke(() => FabstirKeystore.Read(Paths));
            }
        }

        private SecureString ResolveNewPassword()
        {
            var request = new KeyRequest
            {
                KeystorePassword = KeystorePassword,
                KeystorePasswordFile = KeystorePasswordFile,
                PromptForPassword = PromptTwice,
            };
            return KeyResolver.ResolvePassword(request, "the new keystore", new ImmediateLog(this));
        }

        private SecureString? PromptTwice(string purpose)
        {
            SecureString? first = SecretPrompt.Read(this, purpose);
            if (first == null)
            {
                return null;
            }

            SecureString? second = SecretPrompt.Read(this, "Type the same password again");
            if (second == null || HostKeyStore.Unprotect(first) != HostKeyStore.Unprotect(second))
            {
                throw new FabstirException(
                    "KeystorePasswordMismatch",
                    FabstirErrorCategory.InvalidArgument,
                    "The two passwords differ. Nothing was written.",
                    Paths.KeystoreFile);
            }

            return first;
        }
    }
}
