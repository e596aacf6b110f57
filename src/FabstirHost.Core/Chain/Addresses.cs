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

        /// <summary>0x and 40 hexadecimal digits; also the cmdlets' ValidatePattern.</summary>
        public const string Pattern = "^0x[0-9a-fA-F]{40}$";

        private static readonly Regex PatternRegex = new Regex(Pattern, RegexOptions.CultureInvariant);

        public static bool IsZero(string? address)
        {
            return string.IsNullOrEmpty(address) ||
                string.Equals(address, Zero, System.StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>True when the text is 0x and 40 hexadecimal digits (no checksum test).</summary>
        public static bool IsWellFormed(string address) => PatternRegex.IsMatch(address);

        /// <summary>The checksummed address, or InvalidAddress naming what it was for.</summary>
        public static string Validate(string? address, string what)
        {
            if (address == null || !IsWellFormed(address))
            {
                throw new FabstirException(
                    ChainErrors.InvalidAddress,
                    FabstirErrorCategory.InvalidArgument,
                    $"{what} '{address}' is not an address: expected 0x followed by 40 hexadecimal digits.",
                    address);
            }

            return AddressUtil.Current.ConvertToChecksumAddress(address);
        }
    }
}
