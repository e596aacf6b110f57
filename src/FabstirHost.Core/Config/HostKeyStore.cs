using System;
using System.Globalization;
using System.Numerics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.RegularExpressions;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.KeyStore;
using Nethereum.KeyStore.Crypto;
using Nethereum.KeyStore.Model;
using Nethereum.Signer;
using Nethereum.Util;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Config
{
    /// <summary>
    /// The module's encrypted keystore: one Web3 Secret Storage file (scrypt, AES-128-CTR) in the
    /// home folder, written atomically and readable by the owner only.
    /// </summary>
    public static class HostKeyStore
    {
        public const string ExistsErrorId = "KeystoreExists";
        public const string MissingErrorId = "KeystoreNotFound";
        public const string PasswordIncorrectErrorId = "KeystorePasswordIncorrect";
        public const string InvalidKeyErrorId = "InvalidPrivateKey";
        public const string PasswordTooShortErrorId = "KeystorePasswordTooShort";

        /// <summary>The shortest password a new keystore is encrypted with.</summary>
        public const int MinimumPasswordLength = 8;

        // The largest scrypt cost a keystore may ask for: n = 2^20, and 1 GiB of memory.
        private const long MaxScryptN = 1L << 20;
        private const long MaxScryptBytes = 1L << 30;

        private static readonly Regex KeyPattern =
            new Regex("^0x[0-9a-fA-F]{64}$", RegexOptions.CultureInvariant);

        /// <summary>The scrypt cost: geth's standard parameters (N = 2^18, r = 8, p = 1).</summary>
        internal static ScryptParams StandardScrypt =>
            new ScryptParams { N = 262144, R = 8, P = 1, Dklen = 32 };

        public static bool Exists(FabstirPaths paths) => File.Exists(paths.KeystoreFile);

        /// <summary>
        /// Encrypts <paramref name="key"/> into the keystore; refuses to replace one unless forced.
        /// </summary>
        public static void Save(FabstirPaths paths, HostKey key, SecureString password, bool force)
        {
            RequirePassword(password);
            Save(paths, key, password, force, StandardScrypt);
        }

        /// <summary>As above with a chosen scrypt cost; tests use a cheap one.</summary>
        internal static void Save(
            FabstirPaths paths,
            HostKey key,
            SecureString password,
            bool force,
            ScryptParams cost)
        {
            if (Exists(paths) && !force)
            {
                throw new FabstirException(
                    ExistsErrorId,
                    FabstirErrorCategory.ResourceExists,
                    $"A keystore already exists at '{paths.KeystoreFile}' (address {ReadAddress(paths)}). " +
                    "Replacing it loses that key unless it is backed up: use -Force to replace it.",
                    paths.KeystoreFile);
            }

            paths.EnsureCreated();
            var service = new KeyStoreScryptService();
            byte[] secret = key.EcKey.GetPrivateKeyAsBytes();
            try
            {
                var keyStore = service.EncryptAndGenerateKeyStore(
                    Unprotect(password), secret, key.Address.RemoveHexPrefix().ToLowerInvariant(), cost);
                SecureFile.WriteAllTextAtomic(paths.KeystoreFile, service.SerializeKeyStoreToJson(keyStore));
            }
            finally
            {
                Array.Clear(secret, 0, secret.Length);
            }
        }

        private static void RequirePassword(SecureString password)
        {
            if (password.Length == 0)
            {
                throw new FabstirException(
                    "KeystorePasswordEmpty",
                    FabstirErrorCategory.InvalidArgument,
                    "The keystore password is empty: an empty password would leave the key effectively " +
                    "unprotected.",
                    null);
            }

            if (password.Length < MinimumPasswordLength)
            {
                // The length only: the password itself is never repeated.
                throw new FabstirException(
                    PasswordTooShortErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"The keystore password has {password.Length} character(s); it needs at least " +
                    $"{MinimumPasswordLength}, since anyone who copies the keystore file can try short " +
                    "passwords offline. Choose a longer one. Nothing was written.",
                    null);
            }
        }

        /// <summary>
        /// Fails with KeystoreDamaged unless the keystore parses and holds what unlocking it needs,
        /// so that a damaged file is reported before anyone is asked for its password.
        /// </summary>
        public static void EnsureReadable(FabstirPaths paths)
        {
            ReadAddress(paths);
            string json = ReadKeystore(paths);
            try
            {
                JObject keystore = JObject.Parse(json);
                JToken? crypto = keystore["crypto"] ?? keystore["Crypto"];
                string? missing = new[] { "ciphertext", "kdf", "kdfparams", "mac", "cipherparams" }
                    .FirstOrDefault(field => crypto?[field] == null);
                if (crypto == null || missing != null)
                {
                    throw new FormatException(crypto == null
                        ? "it has no crypto section."
                        : $"its crypto section has no {missing} field.");
                }

                CheckKdf(crypto);
            }
            catch (Exception ex) when (ex is Newtonsoft.Json.JsonException || ex is FormatException ||
                ex is InvalidOperationException)
            {
                throw Damaged(paths, ex);
            }
        }

        /// <summary>Decrypts the keystore; a wrong password is KeystorePasswordIncorrect.</summary>
        public static HostKey Unlock(FabstirPaths paths, SecureString password)
        {
            string json = ReadKeystore(paths);
            try
            {
                JToken? crypto = JObject.Parse(json)["crypto"] ?? JObject.Parse(json)["Crypto"];
                if (crypto?["kdfparams"] != null)
                {
                    CheckKdf(crypto);
                }
            }
            catch (Exception ex) when (ex is Newtonsoft.Json.JsonException || ex is FormatException ||
                ex is InvalidOperationException)
            {
                throw Damaged(paths, ex);
            }

            byte[] secret;
            try
            {
                secret = new KeyStoreService().DecryptKeyStoreFromJson(Unprotect(password), json);
            }
            catch (DecryptionException ex)
            {
                throw new FabstirException(
                    PasswordIncorrectErrorId,
                    FabstirErrorCategory.SecurityError,
                    $"The password does not unlock the keystore '{paths.KeystoreFile}'.",
                    paths.KeystoreFile,
                    ex);
            }
            catch (Exception ex)
            {
                // Nethereum reports unparsable or incomplete files with plain exceptions.
                throw Damaged(paths, ex);
            }

            try
            {
                return new HostKey(new EthECKey(secret, true), KeySource.Keystore);
            }
            finally
            {
                Array.Clear(secret, 0, secret.Length);
            }
        }

        /// <summary>The address recorded in the keystore, readable without the password.</summary>
        public static string ReadAddress(FabstirPaths paths)
        {
            string json = ReadKeystore(paths);
            try
            {
                string? address = JObject.Parse(json)["address"]?.ToString();
                if (string.IsNullOrEmpty(address))
                {
                    throw new FormatException("The keystore has no address field.");
                }

                return AddressUtil.Current.ConvertToChecksumAddress(address!.EnsureHexPrefix());
            }
            catch (Exception ex) when (ex is Newtonsoft.Json.JsonException || ex is FormatException)
            {
                throw Damaged(paths, ex);
            }
        }

        /// <summary>
        /// Parses a private key written as 0x and 64 hex digits; the error never repeats the text.
        /// </summary>
        public static HostKey ParsePrivateKey(SecureString privateKey, KeySource source)
        {
            string text = Unprotect(privateKey).Trim();
            if (!KeyPattern.IsMatch(text))
            {
                throw new FabstirException(
                    InvalidKeyErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"The private key from {Describe(source)} is not 0x followed by 64 hexadecimal digits " +
                    $"({text.Length} characters were given). The key itself is not shown.",
                    Describe(source));
            }

            try
            {
                return new HostKey(new EthECKey(text), source);
            }
            catch (Exception ex) when (
                ex is ArgumentException || ex is FormatException || ex is InvalidOperationException)
            {
                throw new FabstirException(
                    InvalidKeyErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"The private key from {Describe(source)} is not a valid secp256k1 key " +
                    "(zero or out of range).",
                    Describe(source));
            }
        }

        /// <summary>A new random key.</summary>
        public static HostKey Generate()
        {
            return new HostKey(EthECKey.GenerateKey(), KeySource.Keystore);
        }

        public static string Describe(KeySource source)
        {
            switch (source)
            {
                case KeySource.Parameter:
                    return "-PrivateKey";
                case KeySource.FabstirEnvironment:
                    return KeyResolver.FabstirKeyVariable;
                case KeySource.NodeEnvironment:
                    return KeyResolver.NodeKeyVariable;
                default:
                    return "the keystore";
            }
        }

        internal static string Unprotect(SecureString secure)
        {
            IntPtr pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }

        private static string ReadKeystore(FabstirPaths paths)
        {
            try
            {
                return File.ReadAllText(paths.KeystoreFile);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                throw new FabstirException(
                    MissingErrorId,
                    FabstirErrorCategory.ObjectNotFound,
                    $"There is no keystore at '{paths.KeystoreFile}'. Create one with New-FabstirWallet or " +
                    "Import-FabstirWallet, or give the key with -PrivateKey or FABSTIR_HOST_PRIVATE_KEY.",
                    paths.KeystoreFile,
                    ex);
            }
        }

        /// <summary>
        /// Refuses key-derivation parameters that would not unlock any key file this module or a
        /// wallet writes: scrypt's n must be a power of two from 2 to 2^20, r 1 to 16, p 1 to 16,
        /// with n·r·128 bytes (the memory it takes) at most 1 GiB; pbkdf2's c 1 to 10,000,000;
        /// dklen 32. Larger values would take the process's memory (or crash it) before any
        /// password could be tried, and smaller ones fail as if the password were wrong.
        /// </summary>
        private static void CheckKdf(JToken crypto)
        {
            string kdf = crypto["kdf"]?.ToString() ?? string.Empty;
            JToken parameters = crypto["kdfparams"]!;
            if (string.Equals(kdf, "scrypt", StringComparison.OrdinalIgnoreCase))
            {
                long n = KdfNumber(parameters, "n", 2, MaxScryptN);
                if ((n & (n - 1)) != 0)
                {
                    throw KdfProblem("n", n.ToString(CultureInfo.InvariantCulture), "a power of two");
                }

                long r = KdfNumber(parameters, "r", 1, 16);
                KdfNumber(parameters, "p", 1, 16);
                if (n * r * 128 > MaxScryptBytes)
                {
                    throw KdfProblem("n and r", $"n = {n}, r = {r}",
                        "at most 1 GiB of memory (n·r·128 bytes)");
                }
            }
            else if (string.Equals(kdf, "pbkdf2", StringComparison.OrdinalIgnoreCase))
            {
                KdfNumber(parameters, "c", 1, 10000000);
            }
            else
            {
                throw KdfProblem("kdf", $"'{kdf}'", "scrypt or pbkdf2");
            }

            KdfNumber(parameters, "dklen", 32, 32);
        }

        private static long KdfNumber(JToken parameters, string field, long min, long max)
        {
            JToken? token = parameters[field];
            string shown = token == null ? "missing" : token.ToString(Newtonsoft.Json.Formatting.None);
            if (token == null || token.Type != JTokenType.Integer)
            {
                throw KdfProblem(field, shown, $"a whole number from {min} to {max}");
            }

            object? raw = ((JValue)token).Value;
            BigInteger value = raw is BigInteger big
                ? big
                : new BigInteger(Convert.ToInt64(raw, CultureInfo.InvariantCulture));
            if (value < min || value > max)
            {
                throw KdfProblem(field, shown, min == max ? $"{min}" : $"from {min} to {max}");
            }

            return (long)value;
        }

        private static FormatException KdfProblem(string field, string value, string wanted)
        {
            return new FormatException(
                $"its crypto.kdfparams {field} is {value}, but must be {wanted}. Restore the file from a " +
                "backup, or import the key again with Import-FabstirWallet.");
        }

        private static FabstirException Damaged(FabstirPaths paths, Exception ex)
        {
            return new FabstirException(
                "KeystoreDamaged",
                FabstirErrorCategory.InvalidData,
                $"The keystore '{paths.KeystoreFile}' is damaged and was left as it is: {ex.Message}",
                paths.KeystoreFile,
                ex);
        }
    }
}
