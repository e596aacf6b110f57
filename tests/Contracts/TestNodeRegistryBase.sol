// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./TestOwnable.sol";

interface ITestErc20 {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

interface ITestModelRegistry {
    function isModelApproved(bytes32 modelId) external view returns (bool);
}

/// @notice What both pricing generations of NodeRegistryWithModels share: staking, registration,
/// URL/metadata/model updates and the reads, with the live contract's guards in the same order
/// and the same revert texts and events. Live, the registry is a UUPS proxy; here the state lives
/// in the contract itself, which callers cannot tell apart.
abstract contract TestNodeRegistryBase is TestOwnable {
    uint256 public constant MIN_STAKE = 1000 * 10 ** 18;
    uint256 public constant MIN_STAKE_AFTER_SLASH = 100 * 10 ** 18;
    uint256 public constant PRICE_PRECISION = 1000;
    uint256 public constant MIN_PRICE_PER_TOKEN_STABLE = 1;
    uint256 public constant MAX_PRICE_PER_TOKEN_STABLE = 100_000_000;
    uint256 public constant MIN_PRICE_PER_TOKEN_NATIVE = 227_273;
    uint256 public constant MAX_PRICE_PER_TOKEN_NATIVE = 22_727_272_727_273_000;

    struct Node {
        address operator;
        uint256 stakedAmount;
        bool active;
        string metadata;
        string apiUrl;
        bytes32[] supportedModels;
        uint256 minPricePerTokenNative;
        uint256 minPricePerTokenStable;
    }

    event NodeRegistered(address indexed operator, uint256 stakedAmount, string metadata, bytes32[] models);
    event NodeUnregistered(address indexed operator, uint256 returnedAmount);
    event ApiUrlUpdated(address indexed operator, string newApiUrl);
    event MetadataUpdated(address indexed operator, string newMetadata);
    event ModelsUpdated(address indexed operator, bytes32[] newModels);
    event HostAutoUnregistered(address indexed host, uint256 slashedAmount, uint256 returnedAmount, string reason);

    ITestErc20 public immutable fabToken;
    ITestModelRegistry public immutable modelRegistry;

    mapping(address => Node) public nodes;
    address[] public activeNodesList;
    mapping(address => uint256) public activeNodesIndex;
    mapping(bytes32 => address[]) public modelToNodes;

    constructor(address fabTokenAddress, address modelRegistryAddress) {
        fabToken = ITestErc20(fabTokenAddress);
        modelRegistry = ITestModelRegistry(modelRegistryAddress);
    }

    modifier onlyRegistered() {
        require(nodes[msg.sender].operator != address(0), "Not registered");
        _;
    }

    modifier onlyActive() {
        require(nodes[msg.sender].active, "Node not active");
        _;
    }

    function registerNode(
        string calldata metadata,
        string calldata apiUrl,
        bytes32[] calldata modelIds,
        uint256 minPricePerTokenNative,
        uint256 minPricePerTokenStable
    ) external {
        require(nodes[msg.sender].operator == address(0), "Already registered");
        require(bytes(metadata).length > 0, "Empty metadata");
        require(bytes(apiUrl).length > 0, "Empty API URL");
        require(modelIds.length > 0, "Must support at least one model");
        require(minPricePerTokenNative >= MIN_PRICE_PER_TOKEN_NATIVE, "Native price below minimum");
        require(minPricePerTokenNative <= MAX_PRICE_PER_TOKEN_NATIVE, "Native price above maximum");
        require(minPricePerTokenStable >= MIN_PRICE_PER_TOKEN_STABLE, "Stable price below minimum");
        require(minPricePerTokenStable <= MAX_PRICE_PER_TOKEN_STABLE, "Stable price above maximum");
        _requireApproved(modelIds);

        fabToken.transferFrom(msg.sender, address(this), MIN_STAKE);

        Node storage node = nodes[msg.sender];
        node.operator = msg.sender;
        node.stakedAmount = MIN_STAKE;
        node.active = true;
        node.metadata = metadata;
        node.apiUrl = apiUrl;
        node.supportedModels = modelIds;
        node.minPricePerTokenNative = minPricePerTokenNative;
        node.minPricePerTokenStable = minPricePerTokenStable;
        activeNodesIndex[msg.sender] = activeNodesList.length;
        activeNodesList.push(msg.sender);
        _indexModels(msg.sender, modelIds);
        emit NodeRegistered(msg.sender, MIN_STAKE, metadata, modelIds);
    }

    function updateApiUrl(string calldata newApiUrl) external onlyRegistered {
        require(bytes(newApiUrl).length > 0, "Empty API URL");
        nodes[msg.sender].apiUrl = newApiUrl;
        emit ApiUrlUpdated(msg.sender, newApiUrl);
    }

    function updateMetadata(string calldata newMetadata) external onlyRegistered {
        require(bytes(newMetadata).length > 0, "Empty metadata");
        nodes[msg.sender].metadata = newMetadata;
        emit MetadataUpdated(msg.sender, newMetadata);
    }

    function updateSupportedModels(bytes32[] calldata newModelIds) external onlyRegistered {
        require(newModelIds.length > 0, "Must support at least one model");
        _requireApproved(newModelIds);
        _unindexModels(msg.sender);
        nodes[msg.sender].supportedModels = newModelIds;
        _indexModels(msg.sender, newModelIds);
        emit ModelsUpdated(msg.sender, newModelIds);
    }

    function stake(uint256 amount) external onlyRegistered {
        require(amount > 0, "Zero amount");
        fabToken.transferFrom(msg.sender, address(this), amount);
        nodes[msg.sender].stakedAmount += amount;
    }

    function unregisterNode() external onlyRegistered {
        uint256 returned = _remove(msg.sender);
        fabToken.transfer(msg.sender, returned);
        emit NodeUnregistered(msg.sender, returned);
    }

    /// @notice Test hook standing in for the live contract's administrative deactivation: the
    /// host stays registered, but the pricing setters refuse it with "Node not active".
    function setActive(address host, bool value) external onlyOwner {
        require(nodes[host].operator != address(0), "Not registered");
        nodes[host].active = value;
    }

    /// @notice Test hook standing in for the live slashing authority: takes stake away and, as
    /// live, unregisters a host left with less than MIN_STAKE_AFTER_SLASH, returning the rest.
    function slash(address host, uint256 amount) external onlyOwner {
        Node storage node = nodes[host];
        require(node.operator != address(0), "Not registered");
        require(amount <= node.stakedAmount, "Slash exceeds stake");
        node.stakedAmount -= amount;
        fabToken.transfer(owner, amount);
        if (node.stakedAmount < MIN_STAKE_AFTER_SLASH) {
            uint256 returned = _remove(host);
            fabToken.transfer(host, returned);
            emit HostAutoUnregistered(host, amount, returned, "Stake below minimum after slash");
        }
    }

    function getNodeFullInfo(address operator)
        external
        view
        returns (address, uint256, bool, string memory, string memory, bytes32[] memory, uint256, uint256)
    {
        Node storage n = nodes[operator];
        return (
            n.operator,
            n.stakedAmount,
            n.active,
            n.metadata,
            n.apiUrl,
            n.supportedModels,
            n.minPricePerTokenNative,
            n.minPricePerTokenStable
        );
    }

    function isActiveNode(address operator) external view returns (bool) {
        return nodes[operator].active;
    }

    function getNodeApiUrl(address operator) external view returns (string memory) {
        return nodes[operator].apiUrl;
    }

    function getNodeModels(address nodeAddress) external view returns (bytes32[] memory) {
        return nodes[nodeAddress].supportedModels;
    }

    function nodeSupportsModel(address nodeAddress, bytes32 modelId) public view returns (bool) {
        bytes32[] storage models = nodes[nodeAddress].supportedModels;
        for (uint256 i = 0; i < models.length; i++) {
            if (models[i] == modelId) {
                return true;
            }
        }
        return false;
    }

    function getAllActiveNodes() external view returns (address[] memory) {
        return activeNodesList;
    }

    function getNodesForModel(bytes32 modelId) external view returns (address[] memory) {
        return modelToNodes[modelId];
    }

    /// @dev The price-range check both generations apply to a native (token 0) or stable price.
    function _requirePriceInRange(address token, uint256 price) internal pure {
        if (token == address(0)) {
            require(price >= MIN_PRICE_PER_TOKEN_NATIVE, "Price below minimum");
            require(price <= MAX_PRICE_PER_TOKEN_NATIVE, "Price above maximum");
        } else {
            require(price >= MIN_PRICE_PER_TOKEN_STABLE, "Price below minimum");
            require(price <= MAX_PRICE_PER_TOKEN_STABLE, "Price above maximum");
        }
    }

    function _requireApproved(bytes32[] calldata modelIds) private view {
        for (uint256 i = 0; i < modelIds.length; i++) {
            require(modelRegistry.isModelApproved(modelIds[i]), "Model not approved");
        }
    }

    function _indexModels(address operator, bytes32[] calldata modelIds) private {
        for (uint256 i = 0; i < modelIds.length; i++) {
            modelToNodes[modelIds[i]].push(operator);
        }
    }

    function _unindexModels(address operator) private {
        bytes32[] storage models = nodes[operator].supportedModels;
        for (uint256 i = 0; i < models.length; i++) {
            address[] storage hosts = modelToNodes[models[i]];
            for (uint256 j = 0; j < hosts.length; j++) {
                if (hosts[j] == operator) {
                    hosts[j] = hosts[hosts.length - 1];
                    hosts.pop();
                    break;
                }
            }
        }
    }

    /// @dev Deletes the record and returns the stake it held; the caller pays it out.
    function _remove(address operator) private returns (uint256 returned) {
        returned = nodes[operator].stakedAmount;
        _unindexModels(operator);
        uint256 index = activeNodesIndex[operator];
        address last = activeNodesList[activeNodesList.length - 1];
        activeNodesList[index] = last;
        activeNodesIndex[last] = index;
        activeNodesList.pop();
        delete activeNodesIndex[operator];
        delete nodes[operator];
    }
}
