BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:chain = Start-FabstirTestChain
    $script:parameters = Get-TestChainParameters $script:chain
    Add-TestEarnings $script:chain $script:chain.HostAddress $script:ZeroAddress '250000000000000000'
    Add-TestEarnings $script:chain $script:chain.HostAddress $script:chain.UsdcToken '12500000'
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Get-FabstirEarnings' {
    BeforeEach {
        $env:FABSTIR_HOME = New-TestHome
    }

    AfterEach {
        Remove-TestHome
    }

    It 'gives one object per token in whole and raw units' {
        $earnings = Get-FabstirEarnings -Address $script:chain.HostAddress @parameters

        $earnings.Token | Should -Be @('ETH', 'USDC')
        $earnings[0].Amount | Should -Be 0.25
        $earnings[0].RawAmount | Should -Be ([bigint]::Parse('250000000000000000'))
        $earnings[1].Amount | Should -Be 12.5
        $earnings[1].RawAmount | Should -Be 12500000
    }

    It 'reads the host of the key, and any token address' {
        $env:FABSTIR_HOST_PRIVATE_KEY = $script:chain.HostKey

        $fab = Get-FabstirEarnings -Token $script:chain.FabToken @parameters

        $fab.Token | Should -Be 'FAB'
        $fab.Amount | Should -Be 0
    }

    It 'takes hosts from the pipeline' {
        $earnings = Get-FabstirHost -Address $script:chain.HostAddress @parameters | Get-FabstirEarnings -Token USDC @parameters

        $earnings.Amount | Should -Be 12.5
    }

    It 'shows a short table' {
        Get-FabstirEarnings -Address $script:chain.HostAddress @parameters | Out-String | Should -Match 'Host\s+Token\s+Amount\s+Raw'
    }

    It 'refuses an unknown token name' {
        { Get-FabstirEarnings -Address $script:chain.HostAddress -Token DOGE @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidPaymentToken,FabstirHost.Commands.GetFabstirEarningsCommand'
    }
}
