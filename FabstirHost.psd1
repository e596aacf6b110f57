@{
    RootModule           = 'FabstirHost.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5d0f3f7e-7a61-4c6e-9a43-2f1f8e0c9b21'
    Author               = 'FabstirHost'
    CompanyName          = 'FabstirHost'
    Copyright            = '(c) FabstirHost contributors. MIT licence.'
    Description          = 'Runs, checks and registers a fabstir-llm-node host on the Fabstir decentralized LLM marketplace.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    FormatsToProcess     = @(
        'FabstirHost.Node.format.ps1xml'
        'FabstirHost.Network.format.ps1xml'
        'FabstirHost.Chain.format.ps1xml'
    )
    CmdletsToExport      = @(
        'Start-FabstirNode'
        'Stop-FabstirNode'
        'Restart-FabstirNode'
        'Get-FabstirNode'
        'Wait-FabstirNode'
        'Get-FabstirNodeLog'
        'Test-FabstirEndpoint'
        'Get-FabstirDiagnostics'
        'Register-FabstirHost'
        'Unregister-FabstirHost'
        'Get-FabstirHost'
        'Set-FabstirHost'
        'Set-FabstirPricing'
        'Clear-FabstirPricing'
        'Add-FabstirStake'
        'Get-FabstirEarnings'
        'Receive-FabstirEarnings'
        'Get-FabstirWallet'
        'New-FabstirWallet'
        'Import-FabstirWallet'
        'Get-FabstirModel'
        'Test-FabstirModel'
        'Get-FabstirHostConfig'
        'Set-FabstirHostConfig'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Fabstir', 'LLM', 'Ethereum', 'Base', 'Node', 'Linux', 'Windows')
            ProjectUri = 'https://github.com/fabstir/fabstir-host'
        }
    }
}
