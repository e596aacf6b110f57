# Helpers for the Pester tests of the host-management cmdlets (dot-sourced): a registered host on
# the local chain made straight with cast (anvil's dev accounts are unlocked, so cast sends from
# them without a key), nonces to prove nothing was sent, slashing and crediting earnings from the
# deployer.

$script:ZeroAddress = '0x0000000000000000000000000000000000000000'

. (Join-Path $PSScriptRoot 'TestHome.ps1')

function Invoke-TestCast {
    param([Parameter(Mandatory)] $Chain, [Parameter(Mandatory)] [string] $From, [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)

    $output = & $env:FABSTIR_TEST_CAST send --rpc-url $Chain.RpcUrl --unlocked --from $From @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "cast send $($Arguments -join ' ') failed: $output" }
}

function Get-TestModelId([string] $Spec) {
    $repo, $file = $Spec -split ':', 2
    (& $env:FABSTIR_TEST_CAST keccak "$repo/$file").Trim()
}

# The chain parameters of every cmdlet call, for the registry of one pricing generation.
function Get-TestChainParameters {
    param([Parameter(Mandatory)] $Chain, [string] $Generation = 'Phase18')

    @{
        RpcUrl               = $Chain.RpcUrl
        NodeRegistryAddress  = if ($Generation -eq 'Legacy') { $Chain.LegacyNodeRegistry } else { $Chain.NodeRegistry }
        ModelRegistryAddress = $Chain.ModelRegistry
        HostEarningsAddress  = $Chain.HostEarnings
        FabTokenAddress      = $Chain.FabToken
        UsdcTokenAddress     = $Chain.UsdcToken
    }
}

# Registers a host for the first approved model, as Register-FabstirHost leaves it.
function Register-TestHost {
    param([Parameter(Mandatory)] $Chain, [Parameter(Mandatory)] [string] $Address, [string] $Generation = 'Phase18')

    $registry = (Get-TestChainParameters $Chain $Generation).NodeRegistryAddress
    $stake = '1000000000000000000000'
    Invoke-TestCast $Chain $Chain.DeployerAddress $Chain.FabToken 'mint(address,uint256)' $Address $stake
    Invoke-TestCast $Chain $Address $Chain.FabToken 'approve(address,uint256)' $registry $stake
    $model = Get-TestModelId $Chain.ApprovedModels[0]
    Invoke-TestCast $Chain $Address $registry 'registerNode(string,string,bytes32[],uint256,uint256)' `
        '{"publicKey":"02abc","hardware":"test GPU"}' 'http://127.0.0.1:1' "[$model]" 3000000 5000
    if ($Generation -eq 'Phase18') {
        Invoke-TestCast $Chain $Address $registry 'setModelTokenPricing(bytes32,address,uint256)' $model $script:ZeroAddress 3000000
        Invoke-TestCast $Chain $Address $registry 'setModelTokenPricing(bytes32,address,uint256)' $model $Chain.UsdcToken 5000
    }

    return $Address
}

# Leaves the registry as it was: unregisters the host if it still is registered.
function Reset-TestHost {
    param([Parameter(Mandatory)] $Chain, [Parameter(Mandatory)] [string] $Address, [string] $Generation = 'Phase18')

    $registry = (Get-TestChainParameters $Chain $Generation).NodeRegistryAddress
    & $env:FABSTIR_TEST_CAST send --rpc-url $Chain.RpcUrl --unlocked --from $Address $registry 'unregisterNode()' 2>&1 | Out-Null
}

function Get-TestNonce {
    param([Parameter(Mandatory)] $Chain, [Parameter(Mandatory)] [string] $Address)

    [long] (& $env:FABSTIR_TEST_CAST nonce --rpc-url $Chain.RpcUrl $Address).Trim()
}

# Pays earnings to a host from the deployer, an authorised caller of HostEarnings.
function Add-TestEarnings {
    param([Parameter(Mandatory)] $Chain, [Parameter(Mandatory)] [string] $Address, [string] $Token, [string] $RawAmount)

    if ($Token -eq $script:ZeroAddress) {
        Invoke-TestCast $Chain $Chain.DeployerAddress $Chain.HostEarnings --value $RawAmount
    }
    else {
        Invoke-TestCast $Chain $Chain.DeployerAddress $Token 'mint(address,uint256)' $Chain.HostEarnings $RawAmount
    }

    Invoke-TestCast $Chain $Chain.DeployerAddress $Chain.HostEarnings 'creditEarnings(address,uint256,address)' $Address $RawAmount $Token
}

# Before each test of a cmdlet that changes a host: a fresh home, the host key in the environment
# and the host registered as Register-FabstirHost leaves it. Returns the host's address.
function Enter-TestRegisteredHost {
    param([Parameter(Mandatory)] $Chain, [string] $Generation = 'Phase18')

    $env:FABSTIR_HOME = New-TestHome
    $env:FABSTIR_HOST_PRIVATE_KEY = $Chain.HostKey
    Register-TestHost $Chain $Chain.HostAddress $Generation
}

# After each such test: the registry as it was, the home and the key gone.
function Exit-TestRegisteredHost {
    param([Parameter(Mandatory)] $Chain, [string] $Generation = 'Phase18')

    Reset-TestHost $Chain $Chain.HostAddress $Generation
    Remove-TestHome
}

# What a command shows under -WhatIf: PowerShell writes it to the host, so a transcript catches it.
function Get-WhatIfText {
    param([Parameter(Mandatory)] [scriptblock] $Command)

    $file = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-whatif-' + [guid]::NewGuid().ToString('N') + '.txt')
    Start-Transcript -Path $file | Out-Null
    try { & $Command | Out-Null }
    finally { Stop-Transcript | Out-Null }
    $text = Get-Content $file -Raw
    Remove-Item $file
    return $text
}
