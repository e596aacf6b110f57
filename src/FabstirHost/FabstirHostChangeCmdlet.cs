using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost
{
    /// <summary>
    /// Base of the cmdlets that act on the registered host: the key parameters, the host context,
    /// and the plan shown under -WhatIf and -Confirm before the key is unlocked to send it.
    /// </summary>
    public abstract class FabstirHostChangeCmdlet : FabstirTransactionCmdlet
    {
        /// <summary>
        /// <para type="description">The host private key, instead of FABSTIR_HOST_PRIVATE_KEY, HOST_PRIVATE_KEY or the keystore.</para>
        /// </summary>
        [Parameter]
        public SecureString? PrivateKey { get; set; }

        /// <summary>
        /// <para type="description">The password of the module's keystore; else -KeystorePasswordFile, FABSTIR_KEYSTORE_PASSWORD or a prompt.</para>
        /// </summary>
        [Parameter]
        public SecureString? KeystorePassword { get; set; }

        /// <summary>
        /// <para type="description">A file holding the keystore password (a final line break is ignored).</para>
        /// </summary>
        [Parameter]
        public string? KeystorePasswordFile { get; set; }

        /// <summary>
        /// The host of the key (read without unlocking it) on the resolved chain, refused while a
        /// transaction from it is still pending, before anything is planned.
        /// </summary>
        protected HostContext CreateHostContext()
        {
            ChainProfile profile = ResolveChainProfile();
            string address = Invoke(() => KeyResolver.ResolveAddress(Paths, KeyRequest()) ??
                throw new FabstirException(
                    KeyResolver.KeyNotFoundErrorId,
                    FabstirErrorCategory.ObjectNotFound,
                    "No host key was found: give -PrivateKey, set FABSTIR_HOST_PRIVATE_KEY or " +
                    $"HOST_PRIVATE_KEY, or create a keystore at '{Paths.KeystoreFile}' with " +
                    "New-FabstirWallet.",
                    Paths.KeystoreFile));
            HostConfig? config = Invoke(() => HostConfigStore.Load(Paths));
            HostContext host = Invoke(() => new HostContext(new FabstirChain(profile, Log), address, config));
            Run(token => host.RequireNothingPendingAsync(token));
            return host;
        }

        /// <summary>
        /// Shows the plan (under -WhatIf, with gas estimates) and asks for confirmation; false when
        /// there is nothing to send or the user declined. <paramref name="force"/> (-Force) sends
        /// without asking, unless -Confirm or -WhatIf is given. Every plan passes here before it is
        /// sent, so this is where it takes the run's receipt options.
        /// </summary>
        protected bool ConfirmPlan(HostTransactionPlan plan, bool force = false)
        {
            plan.Transactions = ReceiptOptions();
            if (plan.IsEmpty)
            {
                WriteVerbose(plan.Describe());
                return false;
            }

            string text = plan.Describe();
            if (force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !WhatIfRequested())
            {
                WriteVerbose(text + " Sending without confirmation (-Force).");
                return true;
            }

            return Confirm(text, text + "\nSend these transactions?", plan.Operation, plan.Address);
        }

        /// <summary>
        /// ShouldProcess, except that a session that cannot ask (-NonInteractive, a hosted runspace)
        /// gets ConfirmationRequired naming the switch to add, instead of PowerShell's bare refusal
        /// to prompt. The commands confirmed by default (ConfirmImpact High) meet it without -Confirm.
        /// </summary>
        protected bool Confirm(string description, string question, string caption, string target)
        {
            try
            {
                return ShouldProcess(description, question, caption);
            }
            catch (System.Exception ex) when (
                ex is PSInvalidOperationException ||
                ex is HostException ||
                ex is System.NotImplementedException ||
                ex is PSNotImplementedException)
            {
                string command = MyInvocation.MyCommand.Name;
                ThrowFabstirError(new FabstirException(
                    HostManagementErrors.ConfirmationRequired,
                    FabstirErrorCategory.InvalidOperation,
                    $"{command} asks for confirmation before '{caption}' for {target}, but this session " +
                    "cannot prompt (it is non-interactive). Nothing was sent. In a script, add " +
                    "-Confirm:$false to go ahead without the prompt, or -WhatIf to see the plan.",
                    target));
                throw; // unreachable: ThrowTerminatingError always throws
            }
        }

        private bool WhatIfRequested()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf))
            {
                return ((SwitchParameter)whatIf).IsPresent;
            }

            return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        }

        /// <summary>
        /// Confirms and sends a plan, then writes the host update (also when nothing had to be
        /// sent). <paramref name="afterSending"/> runs once the transactions are mined.
        /// </summary>
        protected void SendHostUpdate(
            HostContext host,
            HostTransactionPlan plan,
            System.Action<FabstirHostUpdate>? afterSending = null)
        {
            if (!ConfirmPlan(plan))
            {
                if (plan.IsEmpty)
                {
                    WriteObject(Run(async token =>
                        FabstirHostUpdate.Unchanged(plan, await HostReader.ReadAsync(host, token))));
                }

                return;
            }

            using (HostKey key = UnlockKey())
            {
                FabstirHostUpdate update =
                    Run(token => FabstirHostUpdate.ExecuteAsync(host, plan, key, token));
                afterSending?.Invoke(update);
                WriteObject(update);
            }
        }

        /// <summary>
        /// Records a change in config.json (see <see cref="HostConfigSync"/>), inside Run so what it
        /// reports reaches the pipeline.
        /// </summary>
        protected void RecordInConfig(
            string address,
            string? url = null,
            System.Collections.Generic.IReadOnlyList<string>? models = null,
            bool? registered = null)
        {
            Run(_ =>
            {
                HostConfigSync.Record(Paths, address, Log, url, models, registered);
                return System.Threading.Tasks.Task.FromResult(true);
            });
        }

        /// <summary>Unlocks the host key, prompting for the keystore password when allowed.</summary>
        protected HostKey UnlockKey()
        {
            return Invoke(() => KeyResolver.Resolve(Paths, KeyRequest(), Log));
        }

        /// <summary>The file name of the model the node loads, from its state file or config.json.</summary>
        protected string? LoadedModelFile()
        {
            string? path = Invoke(() => NodeStateStore.Load(Paths))?.Settings.ModelPath;
            if (string.IsNullOrEmpty(path))
            {
                path = Invoke(() => HostConfigStore.Load(Paths))?.ModelPath;
            }

            return string.IsNullOrEmpty(path) ? null : System.IO.Path.GetFileName(path);
        }

        private KeyRequest KeyRequest()
        {
            return CreateKeyRequest(PrivateKey, KeystorePassword, KeystorePasswordFile);
        }
    }
}
