package conversation

import "time"

// providerNamer is a model that can say which provider it is, for the metrics' labels.
type providerNamer interface{ ProviderID() string }

func providerOf(model any) string {
	if p, ok := model.(providerNamer); ok {
		return p.ProviderID()
	}
	return "unknown"
}

func (s *Service) observeModel(capability, provider string, start time.Time) {
	if s.Metrics != nil {
		s.Metrics.ObserveModel(capability, provider, time.Since(start))
	}
}

func (s *Service) observeSend(channel, outcome string) {
	if s.Metrics != nil {
		s.Metrics.ObserveSend(channel, outcome)
	}
}
