using System.Management.Automation;
using FabstirHost.Core.Config;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a new host key and stores it in the encrypted keystore.</para>
    /// <para type="description">Generates a random secp256k1 key and writes it to keystore.json in the home folder (FABSTIR_HOME, else ~/.fabstir) as Web3 Secret Storage encrypted with scrypt, readable by the owner only. The key itself is never shown nor written in plain text; the command returns the address to fund with ETH (gas) and FAB (stake). An existing keystore is replaced only with -Force.</para>
    /// </summary>
    /// <example>
    /// <code>New-FabstirWallet</code>
    /// <para>Creates a key, asks for the keystore password twice, and shows the new address.</para>
    /// </example>
    /// <example>
    /// <code>New-FabstirWallet -KeystorePasswordFile ~/.fabstir-password | Get-FabstirWallet</code>
    /// <para>Creates a key non-interactively and shows its (empty) balances, ready to be funded.</para>
    /// </example>
    [Cmdlet(
        VerbsCommon.New,
        "FabstirWallet",
        SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FabstirKeystore))]
    public sealed class NewFabstirWalletCommand : FabstirKeystoreWriterCmdlet
    {
        protected override void EndProcessing()
        {
            FabstirKeystore? keystore = WriteKeystore(HostKeyStore.Generate, "Create a new host key");
            if (keystore != null)
            {
                WriteObject(keystore);
            }
        }
    }
}
