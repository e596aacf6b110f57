using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Util;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// Turns revert data into words: <c>Error(string)</c>, <c>Panic(uint256)</c>, the OpenZeppelin
    /// custom errors the marketplace contracts can raise, or nothing at all, which on these proxies
    /// means the deployed implementation has no such function.
    /// </summary>
    public static class RevertDecoder
    {
        public const string ErrorStringSelector = "08c379a0";
        public const string PanicSelector = "4e487b71";

        // Every known custom error takes only static arguments (address, uint256, bytes32), one
        // 32-byte word each, so they decode without a full ABI decoder.
        // Declarations as in the contracts' source, parameter names included for the messages.
        private static readonly string[] KnownCustomErrors =
        {
            "SafeERC20FailedOperation(address token)",
            "ReentrancyGuardReentrantCall()",
            "OwnableUnauthorizedAccount(address account)",
            "OwnableInvalidOwner(address owner)",
            "ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
            "ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
            "ERC20InvalidReceiver(address receiver)",
            "ERC20InvalidSender(address sender)",
            "ERC20InvalidSpender(address spender)",
            "ERC20InvalidApprover(address approver)",
            "EnforcedPause()",
            "ExpectedPause()",
            "FailedCall()",
            "InvalidInitialization()",
            "NotInitializing()",
            "AddressEmptyCode(address target)",
            "ERC1967InvalidImplementation(address implementation)",
            "ERC1967NonPayable()",
            "UUPSUnauthorizedCallContext()",
            "UUPSUnsupportedProxiableUUID(bytes32 slot)",
        };

        private static readonly Dictionary<string, CustomError> CustomErrorsBySelector = KnownCustomErrors
            .Select(CustomError.Parse)
            .ToDictionary(error => Selector(error.Signature), StringComparer.OrdinalIgnoreCase);

        /// <summary>The 4-byte selector of a signature, as 8 lower-case hex digits.</summary>
        public static string Selector(string signature)
        {
            return new Sha3Keccack().CalculateHash(Encoding.UTF8.GetBytes(signature)).ToHex().Substring(0, 8);
        }

        /// <summary>
        /// The reason for a revert, e.g. <c>Not registered</c> or
        /// <c>ERC20InsufficientAllowance(spender=0x..., allowance=0, needed=1000000000000000000000)</c>;
        /// null when the data is empty.
        /// </summary>
        public static string? DecodeReason(string? revertData)
        {
            string hex = (revertData ?? string.Empty).RemoveHexPrefix();
            if (hex.Length == 0)
            {
                return null;
            }

            if (hex.Length < 8)
            {
                return $"unrecognised revert data 0x{hex}";
            }

            string selector = hex.Substring(0, 8);
            string body = hex.Substring(8);
            if (selector.Equals(ErrorStringSelector, StringComparison.OrdinalIgnoreCase))
            {
                return DecodeErrorString(body) ?? $"malformed Error(string) data 0x{hex}";
            }

            if (selector.Equals(PanicSelector, StringComparison.OrdinalIgnoreCase) && body.Length >= 64)
            {
                return $"Panic(0x{Word(body, 0).ToString("x", CultureInfo.InvariantCulture).TrimStart('0')})";
            }

            if (CustomErrorsBySelector.TryGetValue(selector, out CustomError? error))
            {
                return DecodeCustomError(error, body);
            }

            return $"custom error 0x{selector} (not one of the known errors; data 0x{hex})";
        }

        /// <summary>
        /// The full sentence for a revert of <paramref name="function"/> on <paramref name="contract"/>.
        /// </summary>
        public static string Describe(string contract, string function, string? revertData)
        {
            string? reason = DecodeReason(revertData);
            if (reason == null)
            {
                return $"{contract}.{function} reverted without a reason: the deployed contract has " +
                    $"no function {function} (wrong contract address or an implementation of another " +
                    "generation).";
            }

            return $"{contract}.{function} reverted: {reason}";
        }

        private static string? DecodeErrorString(string body)
        {
            try
            {
                int offset = (int)Word(body, 0);
                int length = (int)Word(body, offset / 32);
                int start = (offset + 32) * 2;
                if (start + (length * 2) > body.Length)
                {
                    return null;
                }

                return Encoding.UTF8.GetString(body.Substring(start, length * 2).HexToByteArray());
            }
            catch (Exception ex) when (
                ex is OverflowException || ex is FormatException || ex is ArgumentException)
            {
                return null;
            }
        }

        private static string DecodeCustomError(CustomError error, string body)
        {
            if (error.Types.Length == 0)
            {
                return error.Name + "()";
            }

            if (body.Length < error.Types.Length * 64)
            {
                return $"{error.Signature} (truncated data)";
            }

            var values = error.Types.Select((type, index) =>
                $"{error.Names[index]}={FormatWord(type, body.Substring(index * 64, 64))}");
            return $"{error.Name}({string.Join(", ", values)})";
        }

        private static string FormatWord(string type, string word)
        {
            switch (type)
            {
                case "address":
                    return AddressUtil.Current.ConvertToChecksumAddress("0x" + word.Substring(24));
                case "bytes32":
                    return "0x" + word;
                default:
                    return BigInteger.Parse("0" + word, NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                        .ToString(CultureInfo.InvariantCulture);
            }
        }

        private static BigInteger Word(string body, int index)
        {
            string word = "0" + body.Substring(index * 64, 64);
            return BigInteger.Parse(word, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// A custom error declaration: name, parameter types (for the selector) and names (for messages).
    /// </summary>
    internal sealed class CustomError
    {
        private CustomError(string name, string[] types, string[] names)
        {
            Name = name;
            Types = types;
            Names = names;
            Signature = $"{name}({string.Join(",", types)})";
        }

        public string Name { get; }

        public string[] Types { get; }

        public string[] Names { get; }

        /// <summary>
        /// The canonical signature the selector is computed from, e.g. <c>OwnableInvalidOwner(address)</c>.
        /// </summary>
        public string Signature { get; }

        public static CustomError Parse(string declaration)
        {
            int open = declaration.IndexOf('(');
            string[] parameters = declaration.Substring(open + 1, declaration.Length - open - 2)
                .Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Trim())
                .ToArray();
            return new CustomError(
                declaration.Substring(0, open),
                parameters.Select(p => p.Split(' ')[0]).ToArray(),
                parameters.Select(p => p.Split(' ')[1]).ToArray());
        }
    }
}
