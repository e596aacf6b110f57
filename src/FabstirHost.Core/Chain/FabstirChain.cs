using System;
using System.Globalization;
using System.Net.Http;
using System.Numerics;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// The connection to one chain profile: checks the RPC's chain id before anything else, makes
    /// typed contract calls and turns every RPC failure into a FabstirException that says whether
    /// the RPC could not be reached, the contract is missing, or the contract refused.
    /// </summary>
    public sealed partial class FabstirChain
    {
        private readonly Web3 _web3;
        private readonly IOperationLog _log;
        private int _requestId;
        private bool _connected;

        // What this instance has done so far, so that a lost connection is described truthfully.
        private volatile bool _answered;
        private volatile bool _broadcast;

        /// <summary>How long one RPC request may take before the RPC counts as unreachable.</summary>
        public static readonly TimeSpan DefaultRpcTimeout = TimeSpan.FromSeconds(20);

        private readonly TimeSpan _rpcTimeout;

        public FabstirChain(ChainProfile profile, IOperationLog? log = null, TimeSpan? rpcTimeout = null)
        {
            Profile = profile;
            _log = log ?? NullOperationLog.Instance;
            var client = new RpcClient(new Uri(profile.RpcUrl));
            _rpcTimeout = rpcTimeout ?? DefaultRpcTimeout;
            _web3 = new Web3(client);
        }

        public ChainProfile Profile { get; }

        internal Web3 Web3 => _web3;

        internal IOperationLog Log => _log;

        /// <summary>
        /// Asks the RPC for its chain id and fails with <c>ChainIdMismatch</c> unless it is the
        /// profile's. Done once per instance; every other call starts with it.
        /// </summary>
        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            if (_connected)
            {
                return;
            }

            string hex = await RequestAsync<string>("eth_chainId", cancellationToken).ConfigureAwait(false);
            long chainId = (long)new HexBigInteger(hex).Value;
            if (chainId != Profile.ChainId)
            {
                throw new FabstirException(
                    ChainErrors.ChainIdMismatch,
                    FabstirErrorCategory.InvalidData,
                    $"The RPC at {Profile.DisplayRpcUrl} serves chain {chainId}, not chain " +
                    $"{Profile.ChainId} of the {Profile.Name} profile. Nothing was sent. Use an RPC URL " +
                    $"of chain {Profile.ChainId}, or choose the profile of that chain.",
                    Profile.DisplayRpcUrl);
            }

            _log.Verbose($"Connected to chain {chainId} at {Profile.DisplayRpcUrl}.");
            _connected = true;
        }

        /// <summary>
        /// Fails with <c>ContractCodeMissing</c> when no contract is deployed at the address.
        /// </summary>
        public async Task EnsureContractAsync(
            string contract,
            string address,
            CancellationToken cancellationToken)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            string code = await RequestAsync<string>("eth_getCode", cancellationToken, address, "latest")
                .ConfigureAwait(false);
            if (string.IsNullOrEmpty(code) || code == "0x")
            {
                throw new FabstirException(
                    ChainErrors.ContractCodeMissing,
                    FabstirErrorCategory.ObjectNotFound,
                    $"There is no contract at the {contract} address {address} on chain {Profile.ChainId}. " +
                    "Check the address (parameter, environment variable or config.json) and the chain.",
                    address);
            }
        }

        public async Task<BigInteger> GetEthBalanceAsync(string address, CancellationToken cancellationToken)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            string hex = await RequestAsync<string>("eth_getBalance", cancellationToken, address, "latest")
                .ConfigureAwait(false);
            return new HexBigInteger(hex).Value;
        }

        public async Task<long> GetBlockNumberAsync(CancellationToken cancellationToken)
        {
            string hex = await RequestAsync<string>("eth_blockNumber", cancellationToken)
                .ConfigureAwait(false);
            return (long)new HexBigInteger(hex).Value;
        }

        /// <summary>
        /// Calls a view function and decodes its output; a revert becomes ContractRevertedException.
        /// </summary>
        internal async Task<TOutput> CallAsync<TFunction, TOutput>(
            string contract,
            string address,
            TFunction function,
            CancellationToken cancellationToken)
            where TFunction : FunctionMessage, new()
            where TOutput : IFunctionOutputDTO, new()
        {
            string output = await CallRawAsync(contract, address, function, cancellationToken)
                .ConfigureAwait(false);
            if (output == "0x")
            {
                // A call to an address without code, or to a function the contract lacks behind a
                // fallback, "succeeds" with no output.
                await EnsureContractAsync(contract, address, cancellationToken).ConfigureAwait(false);
                throw new ContractRevertedException(contract, FunctionName<TFunction>(), address, "0x");
            }

            return new TOutput().DecodeOutput(output);
        }

        internal async Task<string> CallRawAsync<TFunction>(
            string contract,
            string address,
            TFunction function,
            CancellationToken cancellationToken,
            string block = "latest")
            where TFunction : FunctionMessage, new()
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            CallInput input = function.CreateCallInput(address);
            try
            {
                return await RequestAsync<string>("eth_call", cancellationToken, input, block)
                    .ConfigureAwait(false);
            }
            catch (RpcResponseException ex) when (IsRevert(ex.RpcError))
            {
                throw new ContractRevertedException(
                    contract, FunctionName<TFunction>(), address, RevertData(ex.RpcError));
            }
        }

        internal static string FunctionName<TFunction>()
        {
            return typeof(TFunction).GetCustomAttribute<FunctionAttribute>()?.Name ?? typeof(TFunction).Name;
        }

        /// <summary>
        /// Sends one JSON-RPC request. Transport failures become <c>RpcUnreachable</c>; JSON-RPC
        /// errors other than reverts become <c>RpcError</c>; reverts stay RpcResponseException for
        /// the caller, who knows the contract and function.
        /// </summary>
        internal async Task<T> RequestAsync<T>(
            string method,
            CancellationToken cancellationToken,
            params object[] parameters)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new RpcRequest(Interlocked.Increment(ref _requestId), method, parameters);
            if (method == "eth_sendRawTransaction")
            {
                _broadcast = true;
            }

            Task<T> call = _web3.Client.SendRequestAsync<T>(request);
            try
            {
                T result = await WithDeadline(call, cancellationToken).ConfigureAwait(false);
                _answered = true;
                return result;
            }
            catch (RpcResponseException ex) when (IsRevert(ex.RpcError))
            {
                throw;
            }
            catch (RpcResponseException ex)
            {
                throw new FabstirException(
                    ChainErrors.RpcError,
                    FabstirErrorCategory.ProtocolError,
                    $"The RPC at {Profile.DisplayRpcUrl} refused {method}: {ex.RpcError?.Message} " +
                    $"(code {ex.RpcError?.Code}).",
                    Profile.DisplayRpcUrl,
                    ex);
            }
            catch (Exception ex) when (IsTransportFailure(ex))
            {
                throw Unreachable(ex);
            }
        }

        internal static bool IsRevert(RpcError? error)
        {
            if (error == null)
            {
                return false;
            }

            return error.Code == 3 ||
                (error.Message ?? string.Empty).IndexOf("revert", StringComparison.OrdinalIgnoreCase) >= 0;
        }

        /// <summary>
        /// The revert data of a JSON-RPC error: a hex string, or nested as data.data by some nodes.
        /// </summary>
        internal static string RevertData(RpcError? error)
        {
            object? data = error?.Data;
            if (data is JObject nested)
            {
                data = nested["data"]?.ToString();
            }
            else if (data is JValue value)
            {
                data = value.Value?.ToString();
            }

            string? text = data?.ToString();
            return text != null && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text : "0x";
        }

        private FabstirException Unreachable(Exception ex)
        {
            string detail = ex.InnerException?.Message ?? ex.Message;
            string what;
            if (_broadcast)
            {
                what = "stopped answering: " + detail + " This command had already sent transactions, " +
                    "which may have been mined: read the host (Get-FabstirHost) once the RPC answers, or " +
                    "run the same command again; it starts from what the chain then holds.";
            }
            else if (_answered)
            {
                what = "stopped answering: " + detail + " Nothing was sent; check the network, or " +
                    "choose another RPC with -RpcUrl or RPC_URL, and run the command again.";
            }
            else
            {
                what = "could not be reached: " + detail + " Nothing was read or sent; check the URL " +
                    "and the network, or choose another RPC with -RpcUrl or RPC_URL.";
            }

            return new FabstirException(
                ChainErrors.RpcUnreachable,
                FabstirErrorCategory.ConnectionError,
                $"The RPC at {Profile.DisplayRpcUrl} {what}",
                Profile.DisplayRpcUrl,
                ex);
        }

        /// <summary>
        /// The failure of a transaction handed to the RPC when the connection is lost afterwards:
        /// it names the transaction and its hash, since it may be mined.
        /// </summary>
        internal static TransactionOutcomeUnknownException OutcomeUnknown(
            FabstirTransactionPlan plan, string hash, FabstirException lost, bool accepted)
        {
            string detail = lost.InnerException?.InnerException?.Message ??
                lost.InnerException?.Message ?? lost.Message;
            string handedOver = accepted
                ? "was sent and accepted by the RPC, which then stopped answering before its receipt was read"
                : "was sent to the RPC, which stopped answering before it confirmed receiving it";
            return new TransactionOutcomeUnknownException(
                plan.Contract,
                plan.Function,
                hash,
                $"The {plan.Contract}.{plan.Function} transaction {hash} {handedOver} ({detail}): its " +
                "outcome is unknown. It may be mined, still pending, or lost. Look the hash up in an " +
                "explorer, or run the same command again once the RPC answers: it reads the chain and " +
                "sends only what is still missing.",
                lost);
        }

        private static bool IsTransportFailure(Exception ex)
        {
            return ex is RpcClientUnknownException ||
                ex is TimeoutException ||
                ex is RpcClientTimeoutException ||
                ex is HttpRequestException ||
                ex is System.Net.Sockets.SocketException ||
                (ex is TaskCanceledException && !(ex.InnerException is OperationCanceledException)) ||
                ex is Newtonsoft.Json.JsonException;
        }

        /// <summary>
        /// Awaits a request until it answers, the caller cancels, or this instance's RPC timeout
        /// passes (a TimeoutException, reported as unreachable). Nethereum's own timeout is a
        /// process-wide static, so the deadline is kept here per instance.
        /// </summary>
        private async Task<T> WithDeadline<T>(Task<T> task, CancellationToken cancellationToken)
        {
            using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                Task delay = Task.Delay(_rpcTimeout, timer.Token);
                if (await Task.WhenAny(task, delay).ConfigureAwait(false) != task)
                {
                    // The request keeps running in the client; observe its outcome so it is not unobserved.
                    _ = task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new TimeoutException($"No answer within {_rpcTimeout.TotalSeconds:0.#} s.");
                }

                timer.Cancel();
            }

            return await task.ConfigureAwait(false);
        }

        internal static string FormatGwei(BigInteger wei)
        {
            decimal gwei = TokenAmount.ToDecimal(wei, 9);
            return gwei.ToString("0.#########", CultureInfo.InvariantCulture) + " gwei";
        }
    }
}
