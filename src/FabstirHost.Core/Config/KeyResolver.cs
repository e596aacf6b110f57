using System;
using System.Collections;
using System.IO;
using System.Security;

namespace FabstirHost.Core.Config
{
    /// <summary>What a command was given to find the host key and the keystore password.</summary>
    public sealed class KeyRequest
    {
        public SecureString? PrivateKey { get; set; }

        public SecureString? KeystorePassword { get; set; }

        public string? KeystorePasswordFile { get; set; }

        /// <summary>Asks the user; null when nobody can be asked (non-interactive).</summary>
        public Func<string, SecureString?>? PromptForPassword { get; set; }

        /// <summary>The environment to read; the process environment when null.</summary>
        public IDictionary? Environment { get; set; }
    }

    /// <summary>
    /// The one order in which every command finds the host key: <c>-PrivateKey</c>; then
    /// <c>FABSTIR_HOST_PRIVATE_KEY</c>; then the node's own <c>HOST_PRIVATE_KEY</c>; then the
    /// encrypted keystore, unlocked by <c>-KeystorePassword</c>, <c>-KeystorePasswordFile</c>,
    /// <c>FABSTIR_KEYSTORE_PASSWORD</c> or, at an interactive prompt, the user.
    /// </summary>
    public static class KeyResolver
    {
        public const string FabstirKeyVariable = "FABSTIR_HOST_PRIVATE_KEY";
        public const string NodeKeyVariable = "HOST_PRIVATE_KEY";
        public const string PasswordVariable = "FABSTIR_KEYSTORE_PASSWORD";
        public const string KeyNotFoundErrorId = "HostKeyNotFound";
        public const string PasswordRequiredErrorId = "KeystorePasswordRequired";
        public const string PasswordFileEmptyErrorId = "KeystorePasswordFileEmpty";

        public static HostKey Resolve(FabstirPaths paths, KeyRequest request, IOperationLog? log = null)
        {
            log ??= NullOperationLog.Instance;
            if (request.PrivateKey != null)
            {
                return Found(HostKeyStore.ParsePrivateKey(request.PrivateKey, KeySource.Parameter), log);
            }

            HostKey? fromEnvironment = FromEnvironment(request.Environment);
            if (fromEnvironment != null)
            {
                return Found(fromEnvironment, log);
            }

            if (!HostKeyStore.Exists(paths))
            {
                throw new FabstirException(
                    KeyNotFoundErrorId,
                    FabstirErrorCategory.ObjectNotFound,
                    $"No host key was found: no -PrivateKey, no {FabstirKeyVariable} or " +
                    $"{NodeKeyVariable}, and no keystore at '{paths.KeystoreFile}'. Create one with " +
                    "New-FabstirWallet or Import-FabstirWallet.",
                    paths.KeystoreFile);
            }

            HostKeyStore.EnsureReadable(paths);
            SecureString password = ResolvePassword(request, $"the keystore {paths.KeystoreFile}", log);
            return Found(HostKeyStore.Unlock(paths, password), log);
        }

        /// <summary>
        /// The host address without unlocking anything: from a given or environment key, else the
        /// keystore's plain address field. Null when there is no key at all.
        /// </summary>
        public static string? ResolveAddress(FabstirPaths paths, KeyRequest request)
        {
            if (request.PrivateKey != null)
            {
                using (HostKey key = HostKeyStore.ParsePrivateKey(request.PrivateKey, KeySource.Parameter))
                {
                    return key.Address;
                }
            }

            using (HostKey? key = FromEnvironment(request.Environment))
            {
                if (key != null)
                {
                    return key.Address;
                }
            }

            return HostKeyStore.Exists(paths) ? HostKeyStore.ReadAddress(paths) : null;
        }

        /// <summary>
        /// The keystore password: parameter, password file, environment variable, then a prompt.
        /// </summary>
        public static SecureString ResolvePassword(
            KeyRequest request,
            string purpose,
            IOperationLog? log = null)
        {
            log ??= NullOperationLog.Instance;
            if (request.KeystorePassword != null)
            {
                return request.KeystorePassword;
            }

            if (!string.IsNullOrEmpty(request.KeystorePasswordFile))
            {
                log.Verbose($"Reading the keystore password from '{request.KeystorePasswordFile}'.");
                return FromPasswordFile(request.KeystorePasswordFile!);
            }

            IDictionary environment = request.Environment ?? System.Environment.GetEnvironmentVariables();
            if (environment[PasswordVariable] is string fromEnvironment && fromEnvironment.Length > 0)
            {
                log.Verbose($"Using the keystore password from {PasswordVariable}.");
                return ToSecure(fromEnvironment);
            }

            SecureString? prompted = request.PromptForPassword?.Invoke($"Password for {purpose}");
            if (prompted != null)
            {
                return prompted;
            }

            throw new FabstirException(
                PasswordRequiredErrorId,
                FabstirErrorCategory.SecurityError,
                $"A password is needed for {purpose} and none was given. Use -KeystorePassword, " +
                $"-KeystorePasswordFile or {PasswordVariable}, or run interactively to be asked.",
                purpose);
        }

        internal static SecureString ToSecure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        private static HostKey? FromEnvironment(IDictionary? environment)
        {
            environment ??= System.Environment.GetEnvironmentVariables();
            foreach (var (variable, source) in new[]
            {
                (FabstirKeyVariable, KeySource.FabstirEnvironment),
                (NodeKeyVariable, KeySource.NodeEnvironment),
            })
            {
                if (environment[variable] is string value && value.Length > 0)
                {
                    return HostKeyStore.ParsePrivateKey(ToSecure(value), source);
                }
            }

            return null;
        }

        private static SecureString FromPasswordFile(string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                throw new FabstirException(
                    "KeystorePasswordFileNotFound",
                    FabstirErrorCategory.ObjectNotFound,
                    $"The password file '{path}' does not exist.",
                    path,
                    ex);
            }

            // Editors and `echo` add a final line break that is not part of the password.
            string password = text.TrimEnd('\r', '\n');
            if (password.Length == 0)
            {
                throw new FabstirException(
                    PasswordFileEmptyErrorId,
                    FabstirErrorCategory.InvalidData,
                    $"The password file '{path}' is empty{(text.Length > 0 ? " (it holds only a line break)" : "")}. " +
                    "Write the keystore's password into it.",
                    path);
            }

            return ToSecure(password);
        }

        private static HostKey Found(HostKey key, IOperationLog log)
        {
            log.Verbose($"Using host key {key.Address} from {HostKeyStore.Describe(key.Source)}.");
            return key;
        }
    }
}
