using System.Text.RegularExpressions;
using Nethereum.Util;

namespace FabstirHost.Core.Chain
{
    /// <summary>Address checks shared by every input that names an account or contract.</summary>
    public static class Addresses
    {
        /// <summary>
        /// The zero address: "not registered" in records, the native coin in token arguments.
        /// </summary>
        public const string Zero = "0x0000000000000000000000000000000000000000";

        /// <summary>0x and 40 hexadecimal digits.</summary>
        public const string Pattern = "^0x[0-9a-fA-F]{40}$";

        private static readonly Regex PatternRegex = new Regex(Pattern, RegexOptions.CultureInvariant);

        private static readonly Regex HexDigits = new Regex("^[0-9a-fA-F]*$", RegexOptions.CultureInvariant);

        public static bool IsZero(string? address)
        {
            return string.IsNullOrEmpty(address) ||
                string.Equals(address, Zero, System.StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>True when the text is 0x and 40 hexadecimal digits (no checksum test).</summary>
        public static bool IsWellFormed(string address) => PatternRegex.IsMatch(address);

        /// <summary>
        /// The checksummed address, or InvalidAddress naming what it was for and saying what an
        /// address looks like. A value shaped like a private key is never repeated.
        /// </summary>
        public static string Validate(string? address, string what)
        {
            if (address == null || !IsWellFormed(address))
            {
                throw Invalid(address, what);
            }

            return AddressUtil.Current.ConvertToChecksumAddress(address);
        }

        private static FabstirException Invalid(string? address, string what)
        {
            const string Shape = "an address is 0x followed by 40 hexadecimal digits, such as " +
                "0x70997970C51812dc3A010C7d01b50e0d17dc79C8 (Get-FabstirWallet shows the host's)";
            string text = address ?? string.Empty;
            if (MetadataRules.LooksLikeKey(text))
            {
                return new FabstirException(
                    ChainErrors.InvalidAddress,
                    FabstirErrorCategory.InvalidArgument,
                    $"{what} is 64 hexadecimal digits, which is what a private key looks like, not an " +
                    $"address; the value is not shown. {Capitalized(Shape)}. If that was the host's " +
                    "private key, keep it out of command lines and logs: pass it with -PrivateKey as a " +
                    "SecureString, or import it with Import-FabstirWallet.",
                    what);
            }

            string shown = Shown(text);
            string problem = text.Length == 0 ? "is empty"
                : text.StartsWith("0x", System.StringComparison.OrdinalIgnoreCase) &&
                    HexDigits.IsMatch(text.Substring(2))
                    ? $"'{shown}' has {text.Length - 2} hexadecimal digits, not 40"
                    : $"'{shown}' is not an address";
            return new FabstirException(
                ChainErrors.InvalidAddress,
                FabstirErrorCategory.InvalidArgument,
                $"{what} {problem}: {Shape}.",
                shown);
        }

        /// <summary>
        /// A value given as an address, fit for a message: cut to 80 characters, and not shown at
        /// all when it holds what a private key looks like.
        /// </summary>
        public static string Shown(string text)
        {
            if (MetadataRules.LooksLikeKey(text))
            {
                return "(64 hexadecimal digits, the shape of a private key: not shown)";
            }

            return text.Length > 80 ? text.Substring(0, 80) + "..." : text;
        }

        private static string Capitalized(string text) =>
            char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
