BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
    . (Join-Path $PSScriptRoot '../../build/Demo.HostLife.ps1')
    $script:chain = Start-FabstirTestChain
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Show-FabstirHostLife (the demo''s second half)' {
    BeforeEach {
        $script:t = New-NodeTestHome
        $env:FABSTIR_HOST_PRIVATE_KEY = $script:chain.HostKey
        Register-TestHost $script:chain $script:chain.HostAddress | Out-Null
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null
    }

    AfterEach {
        Reset-TestHost $script:chain $script:chain.HostAddress
        Remove-NodeTestHome $script:t
        Remove-Item Env:FABSTIR_HOST_PRIVATE_KEY -ErrorAction SilentlyContinue
    }

    It 'prices, earns, withdraws, unregisters and stops the node of a registered host' {
        $parameters = Get-TestChainParameters $script:chain
        $fabBefore = (Get-FabstirWallet -Address $script:chain.HostAddress @parameters).Fab

        $transcript = Get-WhatIfText { Show-FabstirHostLife -Chain $script:chain 6>&1 }

        $transcript | Should -Match '== 5\. Leave the marketplace'
        $transcript | Should -Match 'HostNotRegistered'
        (Get-FabstirHost -Address $script:chain.HostAddress @parameters).IsRegistered | Should -BeFalse
        (Get-FabstirEarnings -Address $script:chain.HostAddress @parameters).RawAmount | Should -Be @(0, 0)
        $wallet = Get-FabstirWallet -Address $script:chain.HostAddress @parameters
        $wallet.Fab | Should -Be ($fabBefore + 1000)
        $wallet.Usdc | Should -Be 7.5
        (Get-FabstirNode).Status | Should -Be 'Stopped'
    }
}
