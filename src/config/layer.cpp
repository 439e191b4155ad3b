#include "config/layer.hpp"

namespace clawinit {

void SourceLayer::assign(const OptionSpec& option, std::string_view value) {
    replace_once(option);
    option.set(m_config, value);
}

void SourceLayer::assign_empty(const OptionSpec& option) {
    replace_once(option);
}

void SourceLayer::replace_once(const OptionSpec& option) {
    if (option.repeat == Repeat::many && option.clear && m_replaced.insert(&option).second) {
        option.clear(m_config);
    }
}

}  // namespace clawinit
