BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:chain = Start-FabstirTestChain
    $script:parameters = Get-TestChainParameters $script:chain
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Get-FabstirModel' {
    It 'lists the approved models with id, repository, file, hash and tier' {
        $models = Get-FabstirModel @parameters

        $models.Spec | Should -Be $script:chain.ApprovedModels
        $models[0].Id | Should -Be (Get-TestModelId $script:chain.ApprovedModels[0])
        $models[0].Sha256 | Should -Be $script:chain.ModelHashes.($script:chain.ApprovedModels[0])
        $models[0].ApprovalTier | Should -Be 1
        $models.Approved | Should -Be @($true, $true)
    }

    It 'adds deactivated models with -IncludeInactive' {
        $models = Get-FabstirModel -IncludeInactive @parameters

        ($models | Where-Object { -not $_.Approved }).Spec | Should -Be $script:chain.DeactivatedModel
    }

    It 'filters by wildcard name and by id, also from the pipeline' {
        (Get-FabstirModel '*tinyllama*' @parameters).Spec | Should -Be $script:chain.ApprovedModels[1]
        $id = Get-TestModelId $script:chain.ApprovedModels[0]
        (Get-FabstirModel -Id $id @parameters).Spec | Should -Be $script:chain.ApprovedModels[0]
        ([pscustomobject]@{ ModelId = $id } | Get-FabstirModel @parameters).Spec | Should -Be $script:chain.ApprovedModels[0]
    }

    It 'shows a short table' {
        Get-FabstirModel @parameters | Out-String -Width 200 | Should -Match 'Id\s+Repository\s+File\s+Tier\s+Active'
    }

    It 'reports a registry address without a contract' {
        { Get-FabstirModel -RpcUrl $script:chain.RpcUrl -ModelRegistryAddress '0x000000000000000000000000000000000000dEaD' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ContractCodeMissing,FabstirHost.Commands.GetFabstirModelCommand'
    }
}
