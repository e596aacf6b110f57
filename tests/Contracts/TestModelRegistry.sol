// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./TestOwnable.sol";

/// @notice The model registry's host-facing interface: id rule, approval, sha256, owner seeding.
/// Live, this is a UUPS proxy; here the state lives in the contract itself, which callers cannot
/// tell apart. Governance (proposals, votes) is left out: hosts never use it.
contract TestModelRegistry is TestOwnable {
    struct Model {
        string huggingfaceRepo;
        string fileName;
        bytes32 sha256Hash;
        uint256 approvalTier;
        bool active;
        uint256 timestamp;
    }

    event ModelAdded(bytes32 indexed modelId, string huggingfaceRepo, string fileName, uint256 tier);
    event ModelDeactivated(bytes32 indexed modelId);

    mapping(bytes32 => Model) public models;
    bytes32[] public modelList;

    function getModelId(string memory repo, string memory fileName) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(repo, "/", fileName));
    }

    function addTrustedModel(string calldata huggingfaceRepo, string calldata fileName, bytes32 sha256Hash)
        external
        onlyOwner
    {
        bytes32 modelId = getModelId(huggingfaceRepo, fileName);
        require(models[modelId].timestamp == 0, "Model already exists");
        models[modelId] = Model(huggingfaceRepo, fileName, sha256Hash, 1, true, block.timestamp);
        modelList.push(modelId);
        emit ModelAdded(modelId, huggingfaceRepo, fileName, 1);
    }

    function deactivateModel(bytes32 modelId) external onlyOwner {
        require(models[modelId].timestamp != 0, "Model does not exist");
        models[modelId].active = false;
        emit ModelDeactivated(modelId);
    }

    function isModelApproved(bytes32 modelId) external view returns (bool) {
        return models[modelId].active;
    }

    function getModel(bytes32 modelId) external view returns (Model memory) {
        return models[modelId];
    }

    function getModelHash(bytes32 modelId) external view returns (bytes32) {
        return models[modelId].sha256Hash;
    }

    function getAllModels() external view returns (bytes32[] memory) {
        return modelList;
    }
}
