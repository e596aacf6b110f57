BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHome.ps1')
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    $script:chain = Start-FabstirTestChain
    $script:chainParameters = @{
        RpcUrl           = $script:chain.RpcUrl
        FabTokenAddress  = $script:chain.FabToken
        UsdcTokenAddress = $script:chain.UsdcToken
    }
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Get-FabstirWallet' {
    BeforeEach {
        $script:testHome = New-TestHome
        $env:FABSTIR_HOME = $script:testHome
    }

    AfterEach {
        Remove-Item $script:testHome -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Item Env:FABSTIR_HOME, Env:FABSTIR_HOST_PRIVATE_KEY, Env:HOST_PRIVATE_KEY, Env:FAB_TOKEN -ErrorAction SilentlyContinue
    }

    It 'reads any address without a key, in whole and raw units' {
        $wallet = Get-FabstirWallet -Address $script:chain.HostAddress @chainParameters

        $wallet.GetType().FullName | Should -Be 'FabstirHost.Core.Chain.FabstirWallet'
        $wallet.ChainId | Should -Be 84532
        $wallet.Fab | Should -Be 5000
        $wallet.FabRaw | Should -Be ([bigint]::Parse('5000000000000000000000'))
        $wallet.Eth | Should -BeGreaterThan 9000
    }

    It 'uses the host key from the environment when no address is given' {
        $env:HOST_PRIVATE_KEY = $script:chain.HostKey

        (Get-FabstirWallet @chainParameters).Address | Should -Be $script:chain.HostAddress
    }

    It 'reads the keystore address without a password' {
        Set-Content (Join-Path $script:testHome 'keystore.json') ('{"address":"' + $script:chain.HostAddress.Substring(2).ToLowerInvariant() + '"}')

        (Get-FabstirWallet @chainParameters).Fab | Should -Be 5000
    }

    It 'takes the FAB token address from FAB_TOKEN when no parameter is given' {
        $env:FAB_TOKEN = $script:chain.FabToken

        (Get-FabstirWallet -Address $script:chain.HostAddress -RpcUrl $script:chain.RpcUrl -UsdcTokenAddress $script:chain.UsdcToken).Fab |
            Should -Be 5000
    }

    It 'shows a short table by default' {
        $text = Get-FabstirWallet -Address $script:chain.HostAddress @chainParameters | Out-String

        $text | Should -Match 'Address\s+Chain\s+ETH\s+FAB\s+USDC'
        $text | Should -Match '5000'
    }

    It 'fails clearly without any address or key' {
        { Get-FabstirWallet @chainParameters -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyNotFound,FabstirHost.Commands.GetFabstirWalletCommand'
    }

    It 'reports a chain id mismatch before reading anything' {
        { Get-FabstirWallet -Address $script:chain.HostAddress @chainParameters -ChainId 8453 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ChainIdMismatch,FabstirHost.Commands.GetFabstirWalletCommand'
    }

    It 'reports an unreachable RPC as such' {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()

        { Get-FabstirWallet -Address $script:chain.HostAddress -RpcUrl "http://127.0.0.1:$port" -ErrorAction Stop } |
            Should -Throw -ErrorId 'RpcUnreachable,FabstirHost.Commands.GetFabstirWalletCommand'
    }

    It 'reports a token address without a contract' {
        { Get-FabstirWallet -Address $script:chain.HostAddress -RpcUrl $script:chain.RpcUrl -FabTokenAddress '0x000000000000000000000000000000000000dEaD' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ContractCodeMissing,FabstirHost.Commands.GetFabstirWalletCommand'
    }
}
