export declare const SERVICES: Record<string, { name: string; cost: number; share: number }>;
export declare const COUNTRIES: Record<number, { factor: number; stock: number; format: string }>;
export declare const POOL_SIZE: number;
export declare const initialOffers: () => { service: string; country: number; cost: number; stock: number }[];
